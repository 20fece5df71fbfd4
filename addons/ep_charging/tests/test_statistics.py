from datetime import datetime

from odoo.addons.ep_parking.models.ep_parking_tariff import from_lot_time

from .common import EpChargingCase


def utc(*args):
    return from_lot_time(datetime(*args))


class TestStatistics(EpChargingCase):
    """004 §6: per station and lot day, received, energy, income and expenses; staff see their
    regions; the charging home loads."""

    def session(self, ref, start, end, kwh):
        self.report("session_started", start, gun=1, session=ref, meter_kwh=0)
        self.report("session_stopped", end, gun=1, session=ref, meter_kwh=kwh, reason="full")

    def test_per_station_and_lot_day(self):
        self.station.write({"payment_fee_pct": 1, "service_share_pct": 10})
        self.session("S-1", utc(2026, 12, 3, 11, 0), utc(2026, 12, 3, 12, 0), 10)  # 9.00 + 4.00
        self.session("S-2", utc(2026, 12, 3, 23, 0), utc(2026, 12, 3, 23, 30), 2)  # valley 1.00 + 0.80
        self.session("S-3", utc(2026, 12, 4, 7, 30), utc(2026, 12, 4, 8, 0), 1)  # 0.80 + 0.40, lot day 4 Dec
        Stats = self.env["ep.charging.statistics"]
        Stats.invalidate_cache()
        rows = Stats.search([("station_id", "=", self.station.id)], order="day")
        self.assertEqual([(r.day, r.order_count, r.received, r.kwh, r.electricity_income, r.service_income,
                           r.fee_expense, r.service_expense) for r in rows], [
            ("2026-12-03", 2, 14.8, 12.0, 10.0, 4.8, 0.15, 0.48),
            ("2026-12-04", 1, 1.2, 1.0, 0.8, 0.4, 0.01, 0.04)])
        staff, far = self.users["lot_staff"], self.env["ep.charging.station"].create({
            "name": "Far", "code": "T-CS-F", "lot_id": self.other_lot.id})
        self.assertEqual(Stats.sudo(staff).search([]).mapped("station_id"), self.station)
        self.assertNotIn(far, Stats.sudo(self.users["manager"]).search([]).mapped("station_id"))

    def test_charging_home_loads(self):
        action = self.env.ref("ep_charging.ep_charging_dashboard_action")
        view = self.env["board.board"].fields_view_get(view_id=action.view_id.id, view_type="form")
        self.assertIn("Income, Last 15 Days", view["arch"])
