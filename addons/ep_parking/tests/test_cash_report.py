from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError

from .common import EpParkingCase


class TestCashReport(EpParkingCase):
    """Cash daily reports (seed 000 §2.3.7 C): lot staff declare, finance confirms or refuses."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_division = cls.env["ep.parking.region"].create(
            {"name": "Tianjin", "code": "T-N-TJ", "kind": "division", "parent_id": cls.region_node.id})
        cls.lot = cls._create_lot("T-CASH-1")
        cls.other_lot = cls._create_lot("T-CASH-2", region=cls.other_division)
        # Operators and lot staff work in Beijing only; finance has no region and still sees every lot.
        for role in ("operator", "lot_staff"):
            cls.users[role].ep_region_ids = cls.division_node
        cls.staff = cls.users["lot_staff"]
        cls.finance = cls.users["finance"]
        cls.operator = cls.users["operator"]
        cls.now = fields.Datetime.from_string(fields.Datetime.now())

    def _ago(self, hours):
        return fields.Datetime.to_string(self.now - timedelta(hours=hours))

    def _create(self, start=10, end=2, amount=100.0, lot=None, user=None):
        """A report of ``lot`` for the period from ``start`` to ``end`` hours ago, created by ``user``."""
        Report = self.env["ep.parking.cash.report"].sudo(user or self.staff)
        return Report.create({"lot_id": (lot or self.lot).id, "period_start": self._ago(start),
                              "period_end": self._ago(end), "amount": amount})

    def _submitted(self, **kwargs):
        report = self._create(**kwargs)
        report.action_submit()
        return report

    # ------------------------------------------------------------ flow
    def test_submit_and_confirm_posts_receipt(self):
        report = self._create(amount=123.45)
        self.assertEqual(report.state, "draft")
        self.assertTrue(report.name.startswith("CR/"), report.name)
        self.assertEqual(report.user_id, self.staff)
        self.assertEqual(report.region_id, self.division_node)

        report.action_submit()
        self.assertEqual(report.state, "submitted")
        self.assertTrue(report.submitted_at)

        report.sudo(self.finance).action_confirm()
        self.assertEqual(report.state, "confirmed")
        self.assertEqual(report.confirmed_by_id, self.finance)
        self.assertTrue(report.confirmed_at)
        move = report.sudo(self.finance).move_id
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.ref, report.name)
        self.assertEqual(move.journal_id.type, "cash")
        self.assertAlmostEqual(sum(move.line_ids.mapped("debit")), 123.45, places=2)
        self.assertAlmostEqual(sum(move.line_ids.mapped("credit")), 123.45, places=2)
        revenue = move.line_ids.filtered(lambda line: line.credit)
        self.assertEqual(len(revenue), 1)
        self.assertEqual(revenue.account_id.code, "EP4001")
        self.assertTrue(self.lot.analytic_account_id)
        self.assertEqual(revenue.analytic_account_id, self.lot.analytic_account_id)
        # Confirmed cash is final.
        with self.assertRaises(UserError):
            report.sudo(self.finance).action_confirm()
        with self.assertRaises(UserError):
            report.sudo(self.users["manager"]).unlink()

    def test_only_finance_confirms(self):
        report = self._submitted()
        for role in ("operator", "lot_staff"):
            with self.assertRaises(AccessError):
                report.sudo(self.users[role]).action_confirm()
        with self.assertRaises(AccessError):
            report.sudo(self.operator).action_submit()
        report.invalidate_cache()
        self.assertEqual(report.state, "submitted")
        self.assertFalse(report.move_id)

    def test_refuse_needs_reason_then_reset(self):
        report = self._submitted(amount=260.0)
        as_finance = report.sudo(self.finance)
        with self.assertRaises(UserError):
            as_finance.action_refuse()
        with self.assertRaises(AccessError):
            report.write({"refuse_reason": "Lot staff cannot refuse their own cash."})
        as_finance.write({"refuse_reason": "Only 240 received."})
        as_finance.action_refuse()
        self.assertEqual(report.state, "refused")
        self.assertFalse(report.move_id)
        with self.assertRaises(UserError):
            as_finance.action_confirm()

        with self.assertRaises(AccessError):
            as_finance.action_reset_draft()
        report.action_reset_draft()
        self.assertEqual(report.state, "draft")
        self.assertFalse(report.refuse_reason)
        report.write({"amount": 240.0})
        report.action_submit()
        self.assertEqual(report.state, "submitted")

    # ------------------------------------------------------------ access
    def test_region_rules(self):
        other = self._create(lot=self.other_lot, user=self.users["admin"])
        Report = self.env["ep.parking.cash.report"]
        for role in ("lot_staff", "operator"):
            with self.assertRaises(AccessError):
                other.sudo(self.users[role]).read(["amount"])
            self.assertFalse(Report.sudo(self.users[role]).search([("id", "=", other.id)]))
        # The platform's finance sees and confirms the cash of every lot.
        self.assertEqual(Report.sudo(self.finance).search([("id", "=", other.id)]), other)
        other.sudo(self.users["admin"]).action_submit()
        other.sudo(self.finance).action_confirm()
        self.assertEqual(other.state, "confirmed")
        # Lot staff declare for the lots of their regions only.
        with self.assertRaises(AccessError), self.cr.savepoint():
            self._create(lot=self.other_lot, start=40, end=30)
        with self.assertRaises(AccessError):
            self._create(user=self.operator)
        with self.assertRaises(AccessError):
            self._create(user=self.finance)

    def test_submitted_report_is_locked(self):
        report = self._submitted(amount=50.0)
        with self.assertRaises(UserError):
            report.write({"amount": 5.0})
        with self.assertRaises(UserError):
            report.write({"period_start": self._ago(12)})
        with self.assertRaises(UserError):
            report.unlink()
        with self.assertRaises(UserError):
            report.sudo(self.users["manager"]).unlink()
        report.invalidate_cache()
        self.assertEqual(report.amount, 50.0)

    def test_status_set_by_buttons_only(self):
        draft = self._create()
        with self.assertRaises(UserError):
            draft.write({"state": "confirmed"})
        with self.assertRaises(UserError):
            draft.write({"name": "CR/FAKE"})
        with self.assertRaises(UserError):
            self._create(start=30, end=20).copy({"state": "submitted"})
        with self.assertRaises(UserError):
            self.env["ep.parking.cash.report"].sudo(self.staff).create({
                "lot_id": self.lot.id, "period_start": self._ago(50), "period_end": self._ago(40),
                "amount": 10.0, "state": "confirmed"})
        self.assertEqual(draft.state, "draft")
        # A draft can still be corrected, and deleted by a manager only.
        draft.write({"amount": 99.0})
        self.assertEqual(draft.amount, 99.0)
        with self.assertRaises(AccessError):
            draft.unlink()
        draft.sudo(self.users["manager"]).unlink()
        self.assertFalse(draft.exists())

    # ------------------------------------------------------------ checks
    def test_overlapping_periods_refused(self):
        first = self._submitted(start=10, end=6)
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self._create(start=8, end=4)
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self._create(start=12, end=2)  # covers the first report
        # The next shift starts when the first ends; another lot is independent.
        self._create(start=6, end=2)
        self._create(start=10, end=6, lot=self.other_lot, user=self.users["admin"])
        # A refused report frees its period; put back to draft it overlaps the new declaration.
        first.sudo(self.finance).write({"refuse_reason": "Wrong shift."})
        first.sudo(self.finance).action_refuse()
        self._create(start=9, end=7)
        with self.assertRaises(ValidationError), self.cr.savepoint():
            first.action_reset_draft()

    def test_period_checks(self):
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self._create(start=2, end=-1)  # ends in an hour
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self._create(start=2, end=4)  # ends before it starts
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self._create(start=2, end=2)

    def test_amount_must_be_positive(self):
        for amount in (0.0, -5.0):
            with self.assertRaises(ValidationError), self.cr.savepoint():
                self._create(amount=amount)
        report = self._create(amount=0.01)
        with self.assertRaises(ValidationError), self.cr.savepoint():
            report.write({"amount": 0.0})
