from datetime import datetime, timedelta

from odoo.addons.ep_parking.models.ep_parking_tariff import from_lot_time
from odoo.addons.ep_parking.tests.common import ago, setup_payments

from .common import EpChargingCase


class TestReduction(EpChargingCase):
    """004 §5.2: a completed charging order earns a parking reduction, issued to the lot's fee query
    and written off when the parking order is paid."""

    def setUp(self):
        super().setUp()
        self.channels = setup_payments(self.env, self.lot, ("wechat",))
        self.station.write({"reduction_kind": "amount", "reduction_amount": 5, "reduction_min_kwh": 5})

    def charge(self, ref, kwh, plate="粤B12345"):
        start = from_lot_time(datetime(2026, 12, 3, 11, 0))
        self.report("session_started", start, gun=1, session=ref, meter_kwh=0)
        order = self.env["ep.charging.order"].search([("session_ref", "=", ref)])
        order.plate = plate  # the owner's plate, as the app or the space camera gives it
        self.report("session_stopped", start + timedelta(hours=1), gun=1, session=ref, meter_kwh=kwh, reason="full")
        return order

    def test_reduction_issued_applied_and_written_off(self):
        self.charge("S-R1", 4)
        self.assertFalse(self.env["ep.charging.reduction"].search([("plate", "=", "粤B12345")]), "below 5 kWh")
        order = self.charge("S-R2", 10)
        reduction = self.env["ep.charging.reduction"].search([("order_id", "=", order.id)])
        self.assertEqual((reduction.kind, reduction.amount, reduction.issue_state, reduction.write_off_state),
                         ("amount", 5.0, "issued", "open"))
        self.env["ep.parking.passage"].create({"lot_id": self.lot.id, "plate": "粤B12345", "direction": "in",
                                               "passage_time": ago(hours=4, minutes=30), "event_ref": "red-in-1"})
        quote = self.env["ep.parking.order"]._get_fee_quote(self.lot, "粤B12345")
        self.assertEqual([(line["name"], line["amount"]) for line in quote["coupons"]], [(reduction.content, 5)])
        self.assertEqual(quote["amount_due"], quote["fee"] - 5)
        parking = self.env["ep.parking.order"]._create_temporary_order(self.lot, "粤B12345", self.channels["wechat"])
        self.assertEqual(parking.charging_reduction_ids, reduction)
        parking._set_paid("TX-RED-1")
        self.assertEqual((reduction.write_off_state, reduction.parking_order_id), ("done", parking))
        self.assertFalse(self.env["ep.parking.order"]._get_fee_quote(self.lot, "粤B12345")["coupons"])

    def test_free_parking_covers_the_whole_fee(self):
        self.station.write({"reduction_kind": "free", "reduction_min_kwh": 0})
        self.charge("S-R3", 1, plate="粤B77777")
        self.env["ep.parking.passage"].create({"lot_id": self.lot.id, "plate": "粤B77777", "direction": "in",
                                               "passage_time": ago(hours=4, minutes=30), "event_ref": "red-in-2"})
        quote = self.env["ep.parking.order"]._get_fee_quote(self.lot, "粤B77777")
        self.assertGreater(quote["fee"], 0)
        self.assertEqual(quote["amount_due"], 0)
