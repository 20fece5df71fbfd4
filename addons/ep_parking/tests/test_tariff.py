from datetime import datetime
from decimal import Decimal

from odoo.exceptions import AccessError, UserError, ValidationError

from .common import EpParkingLotCase


class TestTariff(EpParkingLotCase):
    """ep.parking.tariff: the Odoo side of lib/tariff.py (seed 000 §2.3.7 B)."""

    def per_hour(self, lot=None, **vals):
        values = {"name": "Per hour", "lot_id": (lot or self.lot).id, "model": "per_hour", "free_minutes": 30,
                  "cycle": "24h", "first_minutes": 180, "first_amount": 5, "unit_minutes": 60, "unit_amount": 1,
                  "max_amount": 10}
        values.update(vals)
        return self.env["ep.parking.tariff"].create(values)

    def test_seed_example_through_the_model(self):
        tariff = self.per_hour()
        first = tariff.compute_fee(datetime(2024, 5, 1, 8, 0), datetime(2024, 5, 1, 15, 0))
        self.assertEqual(first.amount, Decimal("9.00"))
        second = tariff.compute_fee(datetime(2024, 5, 1, 16, 0), datetime(2024, 5, 1, 18, 0),
                                    [(datetime(2024, 5, 1, 8, 0), datetime(2024, 5, 1, 15, 0), first.amount)])
        self.assertEqual(second.amount, Decimal("1.00"))
        self.assertEqual(sum(amount for _label, amount in second.lines), second.amount)

    def test_invalid_rules_are_refused_on_save(self):
        with self.assertRaisesRegex(ValidationError, "not valid"):
            self.per_hour(unit_minutes=0)
        with self.assertRaises(ValidationError):
            self.env["ep.parking.tariff"].create({
                "name": "Gap", "lot_id": self.lot.id, "model": "time_segment",
                "segment_ids": [(0, 0, {"start": "00:00", "end": "06:00", "amount": 3}),
                                (0, 0, {"start": "07:00", "end": "24:00", "amount": 5})]})
        with self.assertRaises(ValidationError):
            self.env["ep.parking.tariff"].create({
                "name": "Unsorted", "lot_id": self.lot.id, "model": "tiered",
                "tier_ids": [(0, 0, {"up_to_minutes": 480, "amount": 10}),
                             (0, 0, {"up_to_minutes": 480, "amount": 5})]})

    def test_publish_one_per_lot_and_kind(self):
        first, second = self.per_hour(), self.per_hour(name="Second")
        first.action_publish()
        self.assertEqual(self.lot._get_tariff(), first)
        with self.assertRaisesRegex(ValidationError, "already has a published tariff"), self.env.cr.savepoint():
            second.action_publish()
        second.invalidate_cache()
        first.action_retire()
        second.action_publish()
        self.assertEqual(self.lot._get_tariff("large"), second, "other kinds fall back to the small-car tariff")
        with self.assertRaises(UserError):
            second.action_reset_draft()

    def test_simulator(self):
        tariff = self.per_hour(repeat=True)
        wizard = self.env["ep.parking.tariff.simulator"].create({
            "tariff_id": tariff.id, "entry_time": "2024-05-01 00:00:00", "exit_time": "2024-05-01 07:00:00",
        })
        wizard.action_compute()
        self.assertEqual(wizard.amount, 9.0)
        self.assertTrue(wizard.explanation)
        wizard.exit_time = "2024-04-30 23:00:00"
        with self.assertRaises(UserError):
            wizard.action_compute()

    def test_access(self):
        tariff = self.per_hour()
        other = self.per_hour(lot=self.other_lot)
        staff = self.users["lot_staff"]
        self.assertEqual(self.env["ep.parking.tariff"].sudo(staff).search([("id", "in", (tariff | other).ids)]),
                         tariff)
        tariff.sudo(staff).write({"unit_amount": 2})
        with self.assertRaises(AccessError):
            tariff.sudo(self.users["operator"]).write({"unit_amount": 3})
