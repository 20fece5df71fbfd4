import json

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import mute_logger

from .common import EpParkingLotCase


class TestLot(EpParkingLotCase):

    def test_code_is_unique_and_topic_safe(self):
        with self.assertRaises(ValidationError):
            self._create_lot("bad code/with slash")
        with self.assertRaises(IntegrityError):
            with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                self._create_lot("T-LOT-1")

    def test_lot_hangs_below_a_division(self):
        with self.assertRaises(ValidationError):
            self._create_lot("T-LOT-X", region=self.region_node)

    def test_field_checks(self):
        with self.assertRaises(ValidationError):
            self.lot.renovation_month = "2018/9"
        self.lot.renovation_month = "2018-09"
        with self.assertRaises(ValidationError):
            self.lot.space_count = -1
        with self.assertRaises(ValidationError):
            self.lot.latitude = 91

    def test_state_transitions(self):
        lot = self._create_lot("T-LOT-S")
        with self.assertRaisesRegex(UserError, "cannot go from"):
            lot.action_start_operating()
        with self.assertRaisesRegex(UserError, "missing"):
            lot.action_start_building()
        lot.write({"city": "Beijing", "street": "1 Road", "gate_count": 2, "space_count": 100})
        lot.action_start_building()
        self.assertEqual(lot.state, "building")
        with self.assertRaises(UserError) as info:
            lot.action_start_operating()
        for missing in ("Latitude", "a vendor", "registered devices"):
            self.assertIn(missing, str(info.exception.name))
        lot.write({"latitude": 39.9, "longitude": 116.4, "vendor_local_id": self.vendor.id})
        self._create_device(lot, "gate-1")
        lot.action_start_operating()
        self.assertEqual(lot.state, "operating")
        with self.assertRaises(UserError):
            lot.action_back_to_planning()
        lot.action_exit()
        self.assertEqual(lot.state, "exited")
        with self.assertRaises(UserError):
            lot.write({"state": "operating"})

    def test_one_ops_region_per_lot(self):
        OpsRegion = self.env["ep.parking.ops.region"]
        north = OpsRegion.create({"name": "North Ops", "lot_ids": [(4, self.lot.id)]})
        self.assertEqual(self.lot.ops_region_id, north)
        with self.assertRaisesRegex(ValidationError, "already belongs to the ops region North Ops"):
            OpsRegion.create({"name": "East Ops", "lot_ids": [(4, self.lot.id)]})
        with self.assertRaises(ValidationError):
            self.lot.ops_region_id = OpsRegion.create({"name": "West Ops"})
        north.write({"lot_ids": [(3, self.lot.id)]})
        self.assertFalse(self.lot.ops_region_id)
        east = OpsRegion.create({"name": "East Ops 2", "lot_ids": [(4, self.lot.id)]})
        self.assertEqual(self.lot.ops_region_id, east)

    def test_pick_a_division_adds_its_lots(self):
        region = self.env["ep.parking.ops.region"].new({"name": "Pick", "pick_region_id": self.region_node.id})
        region._onchange_pick_region_id()
        self.assertIn(self.lot, region.lot_ids)
        self.assertIn(self.other_lot, region.lot_ids)
        self.assertFalse(region.pick_region_id)

    def test_online_star_follows_devices(self):
        self.assertFalse(self.lot.online)
        self.gate_in._set_presence(True, "2024-05-01 08:00:00")
        self.assertTrue(self.lot.online)
        self.gate_in._set_presence(False, "2024-05-01 09:00:00")
        self.assertFalse(self.lot.online)

    def test_devices_follow_the_lot_code(self):
        Device = self.env["ep.device"]
        early = Device.create({"name": "Early", "code": "cam-1", "site_code": "T-LOT-9", "kind": "camera",
                               "mqtt_username": "t-lot-9.cam-1"})
        self.assertFalse(early.lot_id)
        lot = self._create_lot("T-LOT-9")
        self.assertEqual(early.lot_id, lot)
        lot.code = "T-LOT-10"
        self.assertEqual(early.site_code, "T-LOT-10")
        self.assertEqual(self.gate_in.site_code, "T-LOT-1")
        self.assertTrue(self.gate_in.qr_token)
        self.assertFalse(self.server.qr_token)

    def test_force_lock_and_unlock_all_go_through_the_bridge(self):
        Command = self.env["ep.device.command"]
        self.lot.action_force_lock()
        self.assertTrue(self.lot.force_lock)
        command = Command.search([("device_id", "=", self.server.id)], order="id desc", limit=1)
        self.assertEqual((command.command, command.state), ("lock_mode", "queued"))
        self.assertEqual(json.loads(command.args), {"force": True})
        self.lot.action_release_force_lock()
        self.assertFalse(self.lot.force_lock)
        self.lot.action_unlock_all()
        last = Command.search([("device_id", "=", self.server.id)], order="id desc", limit=1)
        self.assertEqual(last.command, "unlock_all")
        with self.assertRaisesRegex(UserError, "no local server"):
            self.other_lot.action_unlock_all()

    def test_changes_are_tracked_in_the_case_log(self):
        lot = self.lot.with_context(tracking_disable=False)
        lot.write({"space_count": 321, "vendor_local_id": False})
        tracked = lot.message_ids.mapped("tracking_value_ids").mapped("field")
        self.assertIn("space_count", tracked)
        self.assertIn("vendor_local_id", tracked)

    def test_rollout_checklist(self):
        lot = self._create_lot("T-LOT-C", gate_count=1)
        self.assertEqual(lot.checklist_done, 0)
        self._create_device(lot, "gate-1")
        lot.write({"street": "1 Road", "latitude": 1.0, "longitude": 2.0, "vendor_local_id": self.vendor.id})
        self.assertEqual(lot.checklist_done, 3)
        self.assertEqual(lot.checklist_total, 6)
        self.assertIn("fa-check-square-o", lot.checklist_html)

    def test_lot_staff_command_their_lots_operators_cannot(self):
        self.lot.sudo(self.users["lot_staff"]).action_unlock_all()
        last = self.env["ep.device.command"].search([("device_id", "=", self.server.id)], order="id desc", limit=1)
        self.assertEqual(last.command, "unlock_all")
        with self.assertRaises(AccessError):
            self.lot.sudo(self.users["operator"]).action_unlock_all()

    def test_smart_buttons_filter_on_the_lot(self):
        for method in ("action_view_devices", "action_view_passages", "action_view_list_entries",
                       "action_view_reservations"):
            action = getattr(self.lot, method)()
            self.assertEqual(action["domain"], [("lot_id", "=", self.lot.id)], method)
