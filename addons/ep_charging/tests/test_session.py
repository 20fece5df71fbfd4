from datetime import datetime
from decimal import Decimal

from odoo.addons.ep_parking.models.ep_parking_tariff import from_lot_time

from .common import EpChargingCase


def utc(*args):
    """A lot-time moment as the naive UTC datetime devices report."""
    return from_lot_time(datetime(*args))


class TestChargingSession(EpChargingCase):
    """004 §5.1, §5.4: charger events make the charging and occupancy orders: a session priced by
    the TOU tariff across segments and midnight, the occupancy fee when the car leaves."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.occupancy_rule = cls.env["ep.charging.occupancy.rule"].create({
            "name": "Seed", "deposit": 10, "free_after_charge_minutes": 15, "charge_unit_minutes": 30,
            "charge_unit_price": 1.5, "free_after_arrival_minutes": 15, "park_unit_minutes": 30,
            "park_unit_price": 1.5})
        cls.station.occupancy_rule_id = cls.occupancy_rule
        cls.station.action_activate_occupancy()
        cls.gun = cls.charger.connector_ids

    def test_full_session_across_midnight_then_occupancy(self):
        card = self.env["ep.charging.card"].create({"name": "IC-S1", "kind": "physical", "station_id": self.station.id})
        card._top_up(30)
        self.report("space_occupied", utc(2026, 12, 3, 20, 50), gun=1, plate="粤B·12345")
        self.report("session_started", utc(2026, 12, 3, 21, 0), gun=1, session="S-1", meter_kwh="100.000",
                    card="IC-S1")
        self.assertEqual(card.balance, 20.0, "the deposit 10.00 is prepaid from the card")
        self.assertEqual(self.gun.state, "charging")
        self.report("meter", utc(2026, 12, 3, 22, 0), gun=1, session="S-1", meter_kwh=102)
        self.report("meter", utc(2026, 12, 4, 0, 0), gun=1, session="S-1", meter_kwh="106")
        events = self.report("session_stopped", utc(2026, 12, 4, 1, 0), gun=1, session="S-1", meter_kwh="108",
                             reason="full")
        self.assertEqual(events.state, "done", events.error)
        order = self.env["ep.charging.order"].search([("charger_id", "=", self.charger.id)])
        # 21-22 sharp 2 kWh (1.0), 22-24 valley 4 kWh (0.5), 00-01 flat 2 kWh (0.8); service 0.4 a kWh
        self.assertEqual((order.charge_state, order.kwh, order.electricity_fee, order.service_fee,
                          order.amount_total, order.end_reason, order.duration),
                         ("done", 8.0, 5.6, 3.2, 8.8, "full", "240 min 0 s"))
        self.assertEqual(len(order.reading_ids), 4)
        # invoiced (ep_einvoice) as electricity and service fee in proportion to what a payment covers
        paying = self.env["ep.parking.order"].new({"amount": 4.4})
        self.assertEqual(order._ep_invoice_amounts(paying),
                         {"charging_electricity": Decimal("2.80"), "charging_service": Decimal("1.60")})
        self.assertIn("Valley: 4.000 kWh", order.cost_summary)
        self.assertEqual(self.gun.state, "occupied")
        self.assertEqual((order.payment_state, order.deposit_amount, card.balance), ("paid", 10.0, 11.2))
        # left at 01:45: 30 minutes past the 15 free after charging → 1 unit of 1.5 from the deposit 10
        self.report("space_freed", utc(2026, 12, 4, 1, 45), gun=1)
        occupancy = self.env["ep.charging.occupancy"].search([("connector_id", "=", self.gun.id)])
        self.assertEqual((occupancy.plate, occupancy.order_id, occupancy.deposit, occupancy.fee, occupancy.refund,
                          occupancy.arrears, occupancy.state, occupancy.minutes),
                         ("粤B12345", order, 10.0, 1.5, 8.5, 0.0, "settled", 295))
        self.assertEqual(card.balance, 19.7, "the rest of the deposit back on the card")
        self.assertEqual(card.transaction_ids.sorted("id").mapped("kind"),
                         ["topup", "deposit", "charge", "deposit_refund"])
        self.assertEqual(self.gun.state, "idle")

    def test_parking_without_charging_runs_into_arrears(self):
        self.report("space_occupied", utc(2026, 12, 3, 8, 0), gun=1, plate="粤B54321")
        self.report("space_freed", utc(2026, 12, 3, 12, 0), gun=1)
        occupancy = self.env["ep.charging.occupancy"].search([("connector_id", "=", self.gun.id)])
        # 4 hours, 15 free from arrival, then 1.5 per started 30 minutes: 8 units = 12.00, no deposit paid
        self.assertEqual((occupancy.order_id.id, occupancy.deposit, occupancy.fee, occupancy.refund,
                          occupancy.arrears, occupancy.state), (False, 0.0, 12.0, 0.0, 12.0, "arrears"))

    def test_campaign_discounts_and_free_station(self):
        self.env["ep.charging.campaign"].create({
            "name": "Half service", "date_start": "2026-12-01", "date_end": "2026-12-31", "service_pct": 50,
            "electricity_pct": 10, "station_ids": [(6, 0, self.station.ids)]})
        self.report("session_started", utc(2026, 12, 3, 11, 0), gun=1, session="S-2", meter_kwh=0)
        self.report("session_stopped", utc(2026, 12, 3, 12, 0), gun=1, session="S-2", meter_kwh=10, reason="user")
        order = self.env["ep.charging.order"].search([("session_ref", "=", "S-2")])
        # peak: 9.00 electricity, 4.00 service → 8.10 + 2.00
        self.assertEqual((order.amount_before_discount, order.electricity_fee, order.service_fee,
                          order.amount_total, order.discount_amount),
                         (13.0, 8.1, 2.0, 10.1, 2.9))
        self.assertTrue(order.campaign_id)
        self.station.free_charging = True
        self.report("session_started", utc(2026, 12, 3, 13, 0), gun=1, session="S-3", meter_kwh=10)
        self.report("session_stopped", utc(2026, 12, 3, 14, 0), gun=1, session="S-3", meter_kwh=20, reason="user")
        free = self.env["ep.charging.order"].search([("session_ref", "=", "S-3")])
        self.assertEqual((free.kwh, free.amount_total, free.payment_state), (10.0, 0.0, "free"))

    def test_bad_events_fail_without_writing(self):
        events = self.report("meter", utc(2026, 12, 3, 9, 0), gun=1, session="NOPE", meter_kwh=1)
        self.assertEqual(events.state, "failed")
        self.assertIn("No charging order", events.error)
        events = self.report("session_started", utc(2026, 12, 3, 9, 0), gun=3, session="S-9", meter_kwh=1)
        self.assertIn("has no gun 3", events.error)
        events = self.report("status", utc(2026, 12, 3, 9, 0), gun=1, state="exploded")
        self.assertEqual(events.state, "failed")
        self.report("status", utc(2026, 12, 3, 9, 0), gun=1, state="fault", fault="over temperature")
        self.assertEqual(self.gun.state, "fault")
        self.assertFalse(self.env["ep.charging.order"].search([("charger_id", "=", self.charger.id)]))
