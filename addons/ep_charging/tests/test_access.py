from odoo.exceptions import AccessError

from .common import EpChargingCase


class TestAccess(EpChargingCase):
    """What the access sweep (issue 14 item 5) found: parts of a charging order follow its lot."""

    def test_meter_readings_follow_their_orders_lot(self):
        other_station = self.env["ep.charging.station"].create({
            "name": "Other station", "code": "T-CS-2", "lot_id": self.other_lot.id, "tariff_id": self.tariff.id})
        other_charger = self.env["ep.charging.charger"].create({
            "station_id": other_station.id, "code": "YKCT0002", "model": "YKC", "current_type": "ac"})
        readings = {}
        for key, charger in (("own", self.charger), ("other", other_charger)):
            order = self.env["ep.charging.order"].create({"station_id": charger.station_id.id, "charger_id": charger.id,
                                                          "session_ref": "ACC-%s" % key})
            readings[key] = self.env["ep.charging.meter.reading"].create(
                {"order_id": order.id, "at": "2026-12-03 10:00:00", "kwh": 1.5})
        for role in ("operator", "lot_staff", "finance"):
            user = self.users[role]
            seen = self.env["ep.charging.meter.reading"].sudo(user).search(
                [("id", "in", (readings["own"] | readings["other"]).ids)])
            self.assertEqual(seen.ids, readings["own"].ids, role)
            with self.assertRaises(AccessError, msg=role):
                readings["other"].sudo(user).read(["kwh"])
        manager = self.users["manager"]
        self.assertEqual(len(self.env["ep.charging.meter.reading"].sudo(manager).search(
            [("id", "in", (readings["own"] | readings["other"]).ids)])), 2)
