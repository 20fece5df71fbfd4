from decimal import Decimal

from odoo.exceptions import ValidationError

from .common import EpChargingCase


class TestTariff(EpChargingCase):
    """004 §2.1-2.3: the TOU editor's rules on save, the free tariff, occupancy rules."""

    def test_seed_tariff(self):
        segments = self.tariff._get_segments()
        self.assertEqual([(s["type"], s["start"], s["end"]) for s in segments], [
            ("flat", "00:00", "10:00"), ("peak", "10:00", "17:00"), ("sharp", "17:00", "22:00"),
            ("valley", "22:00", "24:00")])
        self.assertEqual(segments[1]["electricity"], Decimal("0.9000"))
        self.assertIn("22:00-24:00", self.tariff.summary)
        self.assertFalse(self.tariff.is_free)
        self.assertEqual(self.tariff.segment_ids.sorted("start")[-1].end, "24:00")

    def test_broken_rules_are_refused_on_save(self):
        Tariff = self.env["ep.charging.tariff"]
        with self.assertRaisesRegex(ValidationError, "rule 2"):
            Tariff.create({"name": "Late", "segment_ids": [(0, 0, {"kind": "flat", "start": "01:00"})]})
        with self.assertRaisesRegex(ValidationError, "rule 4"):
            Tariff.create({"name": "Two peaks", "segment_ids": [
                (0, 0, {"kind": "peak", "start": "00:00", "electricity": 1}),
                (0, 0, {"kind": "peak", "start": "12:00", "electricity": 2})]})
        with self.assertRaisesRegex(ValidationError, "rule 1"):
            self.tariff.segment_ids.filtered(lambda s: s.kind == "peak").start = "17:00"

    def test_free_tariff(self):
        vip = self.env["ep.charging.tariff"].create({"name": "VIP", "segment_ids": [
            (0, 0, {"kind": "flat", "start": "00:00"})]})
        self.assertTrue(vip.is_free)

    def test_occupancy_rule_with_and_without_charging(self):
        from datetime import datetime
        rule = self.env["ep.charging.occupancy.rule"].create({
            "name": "Seed", "deposit": 10, "free_after_charge_minutes": 15, "charge_unit_minutes": 30,
            "charge_unit_price": 1.5, "free_after_arrival_minutes": 5, "park_unit_minutes": 60,
            "park_unit_price": 4})
        arrived, charged, left = datetime(2026, 12, 3, 8), datetime(2026, 12, 3, 9), datetime(2026, 12, 3, 10)
        self.assertEqual(rule._compute_fee(charged, arrived, left), (Decimal("3.00"), Decimal("7.00"), Decimal("0")))
        # no charging: 5 free minutes from arrival, then 4.00 per started hour: 2 hours → 8.00
        self.assertEqual(rule._compute_fee(None, arrived, left).fee, Decimal("8.00"))
        self.assertEqual(rule._compute_fee(None, arrived, left, deposit=5).arrears, Decimal("3.00"))
