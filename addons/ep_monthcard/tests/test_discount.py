from datetime import datetime, timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError

from .test_renewal import EpRenewalCase


class TestDiscount(EpRenewalCase):
    """§2.3.6 B 月卡折扣: offers approved first, applied through billing.discount_quote."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Discount = cls.env["ep.monthcard.discount"]
        cls.lot.cross_month_renewal = True

    def new_discount(self, role="lot_staff", **vals):
        values = {"name": "Offer", "lot_ids": [(6, 0, self.lot.ids)], "mode": "fixed_reduction", "amount": 200,
                  "min_months": 1}
        values.update(vals)
        return self.Discount.sudo(self.users[role]).create(values)

    def approved(self, **vals):
        discount = self.new_discount(**vals)
        discount.action_submit()
        discount.sudo(self.users["manager"]).action_approve()
        self.assertEqual(discount.approval_state, "approved")
        return discount

    def test_seed_example_reduction_after_discount_start(self):
        """100/month, valid to 12-31, discount start 12-30, 12 months, reduction 200 → 1000."""
        discount = self.approved(discount_start="2030-12-30", min_months=12)
        card = self.card_ending(datetime(2030, 12, 31, 23, 59, 59))
        wizard = self.wizard(card, 12)
        self.assertEqual((wizard.amount, wizard.applied_discount_id), (1000.0, discount))
        self.assertIn("Discount 200", wizard.quote_text)
        renewal = self.renewal_of(wizard.action_paid_at_lot())
        self.assertEqual((renewal.amount, renewal.discount_id, renewal.discounted), (1000.0, discount, True))
        self.assertEqual(renewal.order_id.amount, 1000.0)
        self.assertEqual(discount.renewal_count, 1)

    def test_seed_example_months_before_the_discount_start(self):
        """200/month from 06-30, discount start 07-30, min 12, reduction 400: 12 → 2400, 13 → 2200."""
        discount = self.approved(discount_start="2030-07-30", min_months=12, amount=400)
        card = self.card_ending(datetime(2030, 6, 29, 23, 59, 59), rule=self.basement)
        quote, used = self.Renewal._quote_card(card, 12)
        self.assertEqual((quote.amount, quote.discounted, used), (2400, False, self.Discount))
        quote, used = self.Renewal._quote_card(card, 13)
        self.assertEqual((quote.amount, used), (2200, discount))

    def test_approval_needed_and_emergency_disable(self):
        card = self.card_ending(datetime(2030, 9, 30, 23, 59, 59))
        discount = self.new_discount(mode="fixed_price", amount=80)
        self.assertEqual(self.wizard(card, 3).amount, 300.0, "a draft offer does not apply")
        discount.action_submit()
        self.assertEqual(discount.approval_state, "to_approve")
        self.assertEqual(self.wizard(card, 3).amount, 300.0, "nor one waiting for approval")
        for role in ("lot_staff", "finance"):
            with self.assertRaises(AccessError):
                discount.sudo(self.users[role]).action_approve()
        discount.sudo(self.users["manager"]).action_approve()
        self.assertEqual((discount.approval_state, discount.approved_by), ("approved", self.users["manager"]))
        self.assertEqual(self.wizard(card, 3).amount, 240.0)
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            discount.sudo(self.users["lot_staff"]).amount = 10
        discount.sudo(self.users["lot_staff"]).active = False  # 紧急关闭
        self.assertEqual(self.wizard(card, 3).amount, 300.0)

    def test_rejected_offer_keeps_its_reason(self):
        discount = self.new_discount()
        discount.action_submit()
        with self.assertRaisesRegex(UserError, "reason"):
            discount.sudo(self.users["manager"]).action_reject("  ")
        discount.sudo(self.users["manager"]).action_reject("Not agreed with the owners' committee")
        self.assertEqual((discount.approval_state, discount.reject_reason),
                         ("rejected", "Not agreed with the owners' committee"))
        card = self.card_ending(datetime(2030, 9, 30, 23, 59, 59))
        self.assertFalse(self.wizard(card, 3).applied_discount_id)

    def test_monthly_limit(self):
        discount = self.approved(mode="fixed_price", amount=80, monthly_limit=1)
        card = self.card_ending(datetime(2030, 9, 30, 23, 59, 59))
        first = self.Renewal._create_paid_renewal(card, 1, self.cash, "LIMIT-1", "lot")
        self.assertEqual((first.amount, first.discount_id), (80.0, discount))
        second = self.Renewal._create_paid_renewal(card, 1, self.cash, "LIMIT-2", "lot")
        self.assertEqual((second.amount, second.discount_id.id), (100.0, False), "once a month only")
        # an earlier month's purchase does not count
        first.purchase_date = fields.Datetime.to_string(datetime.utcnow() - timedelta(days=40))
        self.assertEqual(self.wizard(card, 1).amount, 80.0)
        other = self.card_ending(datetime(2030, 9, 30, 23, 59, 59), plate="京A00005")
        self.assertEqual(self.wizard(other, 1).amount, 80.0, "the limit is per card")

    def test_purchase_window_and_scope(self):
        yesterday = fields.Date.to_string(datetime.utcnow().date() - timedelta(days=2))
        self.approved(buy_end=yesterday)
        self.approved(rule_ids=[(6, 0, self.basement.ids)], amount=300)
        card = self.card_ending(datetime(2030, 9, 30, 23, 59, 59))
        self.assertEqual(self.wizard(card, 3).amount, 300.0, "past offer, offer of another rule")
        elsewhere = self.Rule.create({"name": "Bare", "lot_id": self.lot_without_server.id, "price": 10})
        with self.assertRaisesRegex(ValidationError, "not a rule of the discount's lots"), self.env.cr.savepoint():
            self.new_discount(rule_ids=[(6, 0, elsewhere.ids)])

    def test_best_offer_unless_staff_choose(self):
        price = self.approved(name="80 a month", mode="fixed_price", amount=80)
        reduction = self.approved(name="Save 200", min_months=12)
        basement_only = self.approved(name="Basement", rule_ids=[(6, 0, self.basement.ids)])
        card = self.card_ending(datetime(2030, 9, 30, 23, 59, 59))
        wizard = self.wizard(card, 12)
        self.assertEqual((wizard.amount, wizard.applied_discount_id), (960.0, price), "the cheapest offer")
        wizard.discount_id = reduction
        self.assertEqual((wizard.amount, wizard.applied_discount_id), (1000.0, reduction))
        wizard.no_discount = True
        self.assertEqual((wizard.amount, wizard.applied_discount_id.id), (1200.0, False))
        wizard.write({"no_discount": False, "discount_id": basement_only.id})
        self.assertIn("does not apply", wizard.quote_error)
        with self.assertRaisesRegex(UserError, "does not apply"):
            wizard.action_create_order()

    def test_region_access(self):
        discount = self.approved()
        self.assertEqual(discount.sudo(self.users["operator"]).name, "Offer")
        with self.assertRaises(AccessError):
            discount.sudo(self.other_staff).read(["name"])
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            self.Discount.sudo(self.other_staff).create({"name": "X", "lot_ids": [(6, 0, self.lot.ids)],
                                                         "mode": "fixed_price", "amount": 1})
        with self.assertRaises(AccessError):
            self.new_discount(role="operator")
        # staff of the lot renew with it (the offers are read for them)
        card = self.card_ending(datetime(2030, 9, 30, 23, 59, 59))
        self.assertEqual(self.wizard(card, 1).applied_discount_id, discount)
