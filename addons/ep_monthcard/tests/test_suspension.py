from datetime import timedelta

from odoo.addons.ep_parking.tests.test_list_entry import EpListCase, stamp
from odoo.exceptions import AccessError, UserError, ValidationError


class TestSuspension(EpListCase):
    """§2.3.5 月卡报停: ≥ 15 days, card valid ≥ 1 month, disabled meanwhile, end moved on resume."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.card = cls.env["ep.monthcard"].create({
            "lot_id": cls.lot.id, "plate": "京A12345", "state": "in_use",
            "date_start": stamp(cls.now - timedelta(days=10)), "date_end": stamp(cls.now + timedelta(days=60))})
        cls.Suspension = cls.env["ep.monthcard.suspension"]

    def suspend(self, start_days, resume_days, role="operator", card=None):
        return self.Suspension.sudo(self.users[role]).create({
            "card_id": (card or self.card).id, "suspend_from": stamp(self.now + timedelta(days=start_days)),
            "planned_resume": stamp(self.now + timedelta(days=resume_days))})

    def test_short_suspension_and_short_card_are_refused(self):
        with self.assertRaisesRegex(ValidationError, "15 days"):
            with self.env.cr.savepoint():
                self.suspend(0, 14)
        self.card.date_end = stamp(self.now + timedelta(days=20))
        with self.assertRaisesRegex(ValidationError, "one more month"):
            with self.env.cr.savepoint():
                self.suspend(0, 15)
        self.assertFalse(self.Suspension.search([("card_id", "=", self.card.id)]))

    def test_full_suspension_moves_the_end(self):
        suspension = self.suspend(-20, -1)
        end_before = self.card.date_end
        self.Suspension._cron_process()  # starts it and, its day being past, resumes it
        self.assertEqual((suspension.state, suspension.extension_days), ("resumed", 19))
        self.assertEqual(self.card.date_end, stamp(self.now + timedelta(days=60 + 19)))
        self.assertEqual(suspension.end_before, end_before)
        self.assertIn(self.card.state, ("created", "in_use"))

    def test_card_is_disabled_while_suspended_and_early_resume_earns_nothing(self):
        suspension = self.suspend(-5, 20)
        suspension.sudo(self.users["operator"]).action_start()
        self.assertEqual(self.card.state, "disabled")
        self.assertFalse(self.lot._plate_has_valid_month_card("京A12345"))
        self.Suspension._cron_process()  # not due yet
        self.assertEqual(suspension.state, "suspended")
        suspension.sudo(self.users["operator"]).action_resume()
        self.assertEqual((suspension.state, suspension.extension_days), ("resumed", 0))
        self.assertEqual(self.card.date_end, stamp(self.now + timedelta(days=60)))
        self.assertTrue(self.lot._plate_has_valid_month_card("京A12345"))

    def test_one_open_suspension_per_card_and_transitions(self):
        suspension = self.suspend(1, 20)
        with self.assertRaisesRegex(ValidationError, "already has a suspension"):
            with self.env.cr.savepoint():
                self.suspend(2, 30)
        with self.assertRaises(UserError):
            suspension.action_resume()
        suspension.action_cancel()
        self.assertEqual(suspension.state, "cancelled")
        with self.assertRaises(UserError):
            suspension.action_start()
        self.assertEqual(self.suspend(2, 30).state, "planned")

    def test_staff_of_another_region_cannot_suspend(self):
        suspension = self.suspend(1, 20)
        with self.assertRaises(AccessError):
            suspension.sudo(self.other_staff).read(["state"])
        with self.assertRaises(AccessError):
            with self.env.cr.savepoint():
                self.Suspension.sudo(self.other_staff).create({
                    "card_id": self.card.id, "suspend_from": stamp(self.now + timedelta(days=40)),
                    "planned_resume": stamp(self.now + timedelta(days=56))})
