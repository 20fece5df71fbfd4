import json

from odoo.exceptions import AccessError, UserError, ValidationError

from .common import EpChargingCase


class TestCharger(EpChargingCase):
    """004 §4: pile codes, the bridge device behind a pile, remote actions as MQTT commands."""

    def commands(self, charger=None):
        return self.env["ep.device.command"].search([("device_id", "=", (charger or self.charger).device_id.id)],
                                                    order="id")

    def test_a_pile_is_a_bridge_device_of_its_station(self):
        device = self.charger.device_id
        self.assertEqual((device.kind, device.site_code, device.code), ("charger", "T-CS-1", "YKCT0001"))
        self.assertEqual(self.charger.connector_ids.mapped("number"), [1], "one gun made with the pile")
        self.station.code = "T-CS-9"
        self.assertEqual(device.site_code, "T-CS-9", "the site code follows the station number")

    def test_codes(self):
        Charger = self.env["ep.charging.charger"]
        with self.assertRaisesRegex(ValidationError, "already used"):
            Charger.create({"station_id": self.station.id, "code": "YKCT0001"})
        with self.assertRaisesRegex(ValidationError, "starts with YD"):
            Charger.create({"station_id": self.station.id, "code": "YKC0009", "model": "YD"})
        self.assertTrue(Charger.create({"station_id": self.station.id, "code": "YD0009", "model": "YD"}))

    def test_remote_actions_queue_commands(self):
        gun_2 = self.env["ep.charging.connector"].create({"charger_id": self.charger.id, "number": 2})
        self.charger.action_push_pile_qr()
        self.charger.action_push_gun_qr()
        self.charger.action_restart()
        self.charger.action_sync_time()
        self.charger.operating = False
        commands = self.commands()
        self.assertEqual(commands.mapped("command"), ["show_qr", "show_qr", "restart", "sync_time", "set_operating"])
        self.assertEqual([g["gun"] for g in json.loads(commands[1].args)["guns"]], [1, 2])
        self.assertIn(gun_2.qr_token, json.loads(commands[1].args)["guns"][1]["qr"])
        self.assertIs(json.loads(commands[4].args)["enabled"], False)
        self.charger.has_screen = False
        with self.assertRaisesRegex(UserError, "no screen"):
            self.charger.action_push_pile_qr()

    def test_delete_removes_the_device_and_only_admins_manage_piles(self):
        with self.assertRaises(AccessError):
            self.env["ep.charging.charger"].sudo(self.users["lot_staff"]).create({
                "station_id": self.station.id, "code": "YKCT0003"})
        charger = self.env["ep.charging.charger"].sudo(self.users["admin"]).create({
            "station_id": self.station.id, "code": "YKCT0003"})
        device = charger.device_id
        charger.unlink()
        self.assertFalse(device.exists())
