from odoo.exceptions import AccessError, UserError

from .common import EpChargingCase


class TestStation(EpChargingCase):
    """004 §3: stations are never deleted, reservation publishing and occupancy activation need their
    rule, counts of piles and guns, region access."""

    def test_stations_cannot_be_deleted(self):
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            self.station.unlink()
        self.station.active = False
        self.assertFalse(self.env["ep.charging.station"].search([("id", "=", self.station.id)]))

    def test_publish_and_activate_need_their_rule(self):
        with self.assertRaisesRegex(UserError, "reservation rule"):
            self.station.action_publish_reservation()
        with self.assertRaisesRegex(UserError, "occupancy rule"):
            self.station.action_activate_occupancy()
        rule = self.env["ep.charging.reservation.rule"].create({"name": "60", "minutes": 60, "fee": 5})
        self.station.reservation_rule_id = rule
        self.station.action_publish_reservation()
        self.assertTrue(self.station.reservation_published)
        self.station.reservation_rule_id = False
        self.assertFalse(self.station.reservation_published, "no rule: nothing published")

    def test_counts(self):
        self.env["ep.charging.charger"].create({"station_id": self.station.id, "code": "YKCT0002",
                                                "current_type": "dc"})
        self.charger.device_id.online = True
        self.charger.connector_ids.write({"state": "charging"})
        self.station.invalidate_cache()
        self.assertEqual((self.station.ac_count, self.station.dc_count, self.station.online_count,
                          self.station.offline_count, self.station.charging_count, self.station.fault_count),
                         (1, 1, 1, 1, 1, 0))
        self.assertTrue(self.station.tariff_configured)
        self.assertEqual(self.station._get_segments()[0]["type"], "flat")
        self.station.free_charging = True
        self.assertEqual(self.station._get_segments(), [])

    def test_region_access(self):
        far = self.env["ep.charging.station"].create({"name": "Far", "code": "T-CS-2", "lot_id": self.other_lot.id})
        Station = self.env["ep.charging.station"]
        staff = self.users["lot_staff"]
        self.assertEqual(Station.sudo(staff).search([("code", "=like", "T-CS-%")]), self.station)
        with self.assertRaises(AccessError):
            far.sudo(staff).read(["name"])
        self.assertEqual(Station.sudo(self.users["manager"]).search_count([("code", "=like", "T-CS-%")]), 2)
        with self.assertRaises(AccessError):
            self.station.sudo(self.users["operator"]).write({"name": "Mine"})
        self.station.sudo(staff).write({"phone": "13800000000"})
        with self.assertRaises(AccessError):
            self.env["ep.charging.tariff"].sudo(staff).create({"name": "Staff", "segment_ids": [
                (0, 0, {"kind": "flat", "start": "00:00"})]})
