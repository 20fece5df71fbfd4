from odoo.exceptions import AccessError

from .common import EpParkingCase


class TestAccessRights(EpParkingCase):

    def test_roles_are_chained(self):
        def has(user, xmlid):
            return user.has_group(xmlid)

        admin, manager = self.users["admin"], self.users["manager"]
        self.assertTrue(has(admin, "ep_parking.group_manager"))
        self.assertTrue(has(admin, "ep_device_bridge.group_device_manager"))
        self.assertTrue(has(manager, "ep_parking.group_lot_staff"))
        self.assertTrue(has(manager, "ep_parking.group_finance"))
        self.assertFalse(has(manager, "ep_parking.group_admin"))
        self.assertTrue(has(self.users["lot_staff"], "ep_parking.group_operator"))
        self.assertFalse(has(self.users["lot_staff"], "ep_parking.group_finance"))
        self.assertTrue(has(self.users["finance"], "account.group_account_invoice"))
        self.assertTrue(has(self.users["operator"], "ep_device_bridge.group_device_user"))

    def test_staff_read_regions_only_admins_change_them(self):
        for role in ("operator", "lot_staff", "finance", "manager"):
            user = self.users[role]
            self.assertTrue(self.division_node.sudo(user).complete_name)
            with self.assertRaises(AccessError):
                self.division_node.sudo(user).write({"name": "Renamed by %s" % role})
            with self.assertRaises(AccessError):
                self.env["ep.parking.region"].sudo(user).create(
                    {"name": "New", "code": "N-%s" % role, "kind": "company"})
        self.division_node.sudo(self.users["admin"]).write({"name": "Renamed"})
        self.assertEqual(self.division_node.name, "Renamed")

    def test_outsiders_cannot_read_regions(self):
        with self.assertRaises(AccessError):
            self.division_node.sudo(self.plain_user).read(["name"])

    def test_menu_visible_to_ep_roles_only(self):
        root = self.env.ref("ep_device_bridge.ep_menu_root")
        regions = self.env.ref("ep_parking.ep_parking_region_menu")
        Menu = self.env["ir.ui.menu"]
        for role in ("operator", "admin"):
            visible = Menu.sudo(self.users[role])._visible_menu_ids()
            self.assertIn(root.id, visible)
            self.assertIn(regions.id, visible)
        self.assertNotIn(root.id, Menu.sudo(self.plain_user)._visible_menu_ids())
