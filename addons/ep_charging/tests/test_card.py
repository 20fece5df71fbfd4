from datetime import datetime

from odoo.addons.ep_parking.models.ep_parking_tariff import from_lot_time
from odoo.exceptions import AccessError, ValidationError

from .common import EpChargingCase


def utc(*args):
    return from_lot_time(datetime(*args))


class TestCard(EpChargingCase):
    """004 §7.1-7.3, §4.2: cards and their records, the minimum balance to start, a card paying its
    session, VIP users charging for nothing."""

    def setUp(self):
        super().setUp()
        self.owner = self.env["res.partner"].create({"name": "Driver", "mobile": "13700000001"})
        self.card = self.env["ep.charging.card"].create({"name": "IC-0001", "kind": "physical",
                                                         "station_id": self.station.id, "partner_id": self.owner.id,
                                                         "user_number": "U-1"})

    def test_top_up_refund_and_records(self):
        self.card._top_up(20)
        self.card._refund(5)
        self.assertEqual(self.card.balance, 15.0)
        self.assertEqual([(t.kind, t.amount, t.balance) for t in self.card.transaction_ids.sorted("id")],
                         [("topup", 20.0, 20.0), ("refund", -5.0, 15.0)])
        with self.assertRaisesRegex(ValidationError, "at most the balance"):
            self.card._refund(16)
        with self.assertRaisesRegex(ValidationError, "positive"):
            self.card._top_up(0)
        self.card._refund()
        self.assertEqual(self.card.balance, 0.0)
        with self.assertRaises(AccessError):
            self.card.sudo(self.users["operator"]).write({"phone": "1"})

    def test_card_without_the_minimum_balance_cannot_start(self):
        self.card._top_up(1)  # the pile asks 2.00
        self.report("session_started", utc(2026, 12, 3, 11, 0), gun=1, session="S-C1", meter_kwh=0, card="IC-0001")
        order = self.env["ep.charging.order"].search([("session_ref", "=", "S-C1")])
        self.assertEqual((order.charge_state, order.end_reason, order.card_id), ("failed", "balance", self.card))
        stop = self.env["ep.device.command"].search([("device_id", "=", self.charger.device_id.id),
                                                     ("command", "=", "stop_charge")])
        self.assertTrue(stop, "the pile is told to stop")
        self.assertNotEqual(self.charger.connector_ids.state, "charging")

    def test_card_pays_its_session(self):
        self.card._top_up(10)
        self.report("session_started", utc(2026, 12, 3, 11, 0), gun=1, session="S-C2", meter_kwh=0, card="IC-0001")
        self.report("session_stopped", utc(2026, 12, 3, 12, 0), gun=1, session="S-C2", meter_kwh=10, reason="user")
        order = self.env["ep.charging.order"].search([("session_ref", "=", "S-C2")])
        # peak: 9.00 + service 4.00 = 13.00; the card holds 10.00
        self.assertEqual((order.amount_total, order.amount_paid, order.payment_state, order.partner_id),
                         (13.0, 10.0, "unpaid", self.owner))
        self.assertEqual(self.card.balance, 0.0)
        self.assertEqual(self.card.transaction_ids.filtered(lambda t: t.kind == "charge").order_id, order)

    def test_vip_charges_for_nothing(self):
        vip = self.env["ep.charging.tariff"].create({"name": "VIP", "segment_ids": [
            (0, 0, {"kind": "flat", "start": "00:00"})]})
        user = self.env["ep.charging.user"].create({"partner_id": self.owner.id, "tariff_id": vip.id})
        self.assertTrue(user.vip)
        self.card._top_up(10)
        self.report("session_started", utc(2026, 12, 3, 11, 0), gun=1, session="S-C3", meter_kwh=0, card="IC-0001")
        self.report("session_stopped", utc(2026, 12, 3, 12, 0), gun=1, session="S-C3", meter_kwh=10, reason="user")
        order = self.env["ep.charging.order"].search([("session_ref", "=", "S-C3")])
        self.assertEqual((order.kwh, order.amount_total, order.payment_state), (10.0, 0.0, "free"))
        self.assertEqual(self.card.balance, 10.0)
