from odoo.tests.common import SavepointCase, at_install, post_install


@at_install(False)
@post_install(True)
class EpBridgeCase(SavepointCase):
    """Two devices on one site and a user of each bridge group.

    Post-install: creating users needs the fields every installed module adds to
    partners, which at_install tests of this low-level addon would not see yet.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, no_reset_password=True))
        Device = cls.env["ep.device"]
        cls.gate = Device.create({"name": "Gate", "code": "gate-t1", "site_code": "LOT-T"})
        cls.camera = Device.create({"name": "Camera", "code": "cam-t1", "site_code": "LOT-T"})
        cls.Command = cls.env["ep.device.command"]
        cls.Event = cls.env["ep.device.event"]
        Users = cls.env["res.users"]
        cls.device_user = Users.create({
            "name": "Device User", "login": "ep_bridge_user", "email": "du@example.com",
            "groups_id": [(6, 0, [cls.env.ref("ep_device_bridge.group_device_user").id])]})
        cls.device_manager = Users.create({
            "name": "Device Manager", "login": "ep_bridge_manager", "email": "dm@example.com",
            "groups_id": [(6, 0, [cls.env.ref("ep_device_bridge.group_device_manager").id])]})

    def event_row(self, event_id, event_type="heartbeat", device=None, payload="{}"):
        device = device or self.gate
        return {"site_code": device.site_code, "device_code": device.code, "event_id": event_id,
                "event_type": event_type, "device_ts": None, "payload": payload}
