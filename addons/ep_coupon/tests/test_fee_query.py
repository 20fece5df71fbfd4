from odoo.exceptions import UserError

from .common import PLATE, EpCouponCase, at, later


class TestFeeQuery(EpCouponCase):

    def preexit(self, enabled=True):
        self.env["ep.coupon.preexit.config"].create({"lot_id": self.lot.id, "enabled": enabled})

    def test_fixed_coupon_used_at_issue_time_without_preexit(self):
        self.enter(hours=1, minutes=30)  # 5.00
        coupon, _warning = self.fixed._issue_coupon(PLATE, coupon_type=self.type_10)
        self.assertEqual(coupon.amount_applied, 5.0)
        with at(later(hours=4)):
            quote = self.quote()
        self.assertGreater(quote["fee"], 5)
        self.assertEqual([c["amount"] for c in quote["coupons"]], [5])
        self.assertEqual(quote["amount_due"], quote["fee"] - 5)

    def test_fixed_coupons_stack_at_preexit(self):
        self.preexit()
        self.enter(hours=1, minutes=30)
        first, _warning = self.fixed._issue_coupon(PLATE, coupon_type=self.type_5)
        second, _warning = self.fixed._issue_coupon(PLATE, coupon_type=self.type_5)
        third, _warning = self.fixed._issue_coupon(PLATE, coupon_type=self.type_5)
        with at(later(hours=4)):  # 5 h 30: 8.00 -> 5 + 3, the third coupon is not needed
            quote = self.quote()
        self.assertEqual(quote["fee"], 8)
        self.assertEqual([(c["coupon_id"], c["amount"]) for c in quote["coupons"]], [(first.id, 5), (second.id, 3)])
        self.assertEqual(quote["amount_due"], 0)
        self.assertEqual(self.env["ep.parking.order"]._quote_to_json(quote)["amount_due"], "0.00")

    def test_zero_fee_exit_uses_the_coupons(self):
        self.preexit()
        entry = self.enter(hours=4, minutes=30)
        first, _warning = self.fixed._issue_coupon(PLATE, coupon_type=self.type_5)
        second, _warning = self.fixed._issue_coupon(PLATE, coupon_type=self.type_5)
        third, _warning = self.fixed._issue_coupon(PLATE, coupon_type=self.type_5)
        self.leave(entry)
        self.assertEqual((first.state, second.state, third.state), ("used", "used", "claimed"))

    def test_paid_order_uses_the_coupons(self):
        self.enter(hours=4, minutes=30)  # 7.00, a 5.00 coupon leaves 2.00
        coupon, _warning = self.fixed._issue_coupon(PLATE, coupon_type=self.type_5)
        order = self.env["ep.parking.order"]._create_temporary_order(self.lot, PLATE, self.channels["wechat"])
        self.assertEqual((order.amount, order.coupon_amount, order.coupon_ids), (2.0, 5.0, coupon))
        self.assertEqual(coupon.state, "claimed")
        order._set_paid("TX-PARK-1")
        self.assertEqual((coupon.state, coupon.used_order_id), ("used", order))

    def test_release_coupon_within_15_minutes(self):
        self.enter(hours=4, minutes=30)  # 7.00
        coupon, _warning = self.variable._issue_coupon(PLATE)
        self.assertEqual((coupon.type_id.kind, coupon.face_value, coupon.amount_applied), ("release", 7.0, 7.0))
        with at(later(minutes=14)):
            self.assertEqual(self.quote()["amount_due"], 0)
        with at(later(minutes=70)):  # too late: what accrued since the coupon is due again
            quote = self.quote()
        self.assertEqual(quote["amount_due"], quote["fee"] - 7)
        self.assertGreater(quote["amount_due"], 0)

    def test_release_coupon_capped_at_max_face_value(self):
        self.preexit()
        self.enter(hours=30)  # two cycles: above the 10.00 cap
        self.variable._issue_coupon(PLATE)
        quote = self.quote()
        self.assertEqual([c["amount"] for c in quote["coupons"]], [10])
        self.assertEqual(quote["amount_due"], quote["fee"] - 10)

    def test_release_coupon_at_zero_fee(self):
        self.enter(minutes=10)  # free period
        with self.assertRaisesRegex(UserError, "nothing to pay"):
            self.variable._issue_coupon(PLATE)
        self.preexit()
        coupon, _warning = self.variable._issue_coupon(PLATE)  # with pre-exit on, used even at 0
        self.assertEqual([c["amount"] for c in self.quote()["coupons"]], [0])
        self.assertEqual(coupon.state, "claimed")
