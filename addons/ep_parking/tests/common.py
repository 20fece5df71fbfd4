from odoo.tests.common import SavepointCase, at_install, post_install


@at_install(False)
@post_install(True)
class EpParkingCase(SavepointCase):
    """Shared fixtures: a small region tree and one user per EP role."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_create_nolog=True,
                                       no_reset_password=True))
        Region = cls.env["ep.parking.region"]
        cls.company_node = Region.create({"name": "Test Co", "code": "T", "kind": "company"})
        cls.region_node = Region.create({"name": "North", "code": "T-N", "kind": "region",
                                         "parent_id": cls.company_node.id})
        cls.division_node = Region.create({"name": "Beijing", "code": "T-N-BJ", "kind": "division",
                                           "parent_id": cls.region_node.id})
        cls.users = {role: cls._create_user(role) for role in
                     ("operator", "lot_staff", "finance", "manager", "admin")}
        cls.plain_user = cls.env["res.users"].create({
            "name": "Plain", "login": "ep_test_plain", "email": "plain@example.com",
            "groups_id": [(6, 0, [cls.env.ref("base.group_user").id])],
        })

    @classmethod
    def _create_user(cls, role, **vals):
        values = {
            "name": "EP %s" % role, "login": "ep_test_%s" % role, "email": "%s@example.com" % role,
            "groups_id": [(6, 0, [cls.env.ref("ep_parking.group_%s" % role).id])],
        }
        values.update(vals)
        return cls.env["res.users"].create(values)
