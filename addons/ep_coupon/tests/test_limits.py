from odoo.exceptions import UserError

from .common import PLATE, EpCouponCase, at, later


class TestLimits(EpCouponCase):

    def limit(self, merchant, kind, period, **vals):
        return self.env["ep.coupon.limit"].create(dict(vals, merchant_id=merchant.id, kind=kind, period=period))

    def test_issue_count_per_day(self):
        self.limit(self.fixed, "issue", "day", count=2)
        self.enter(hours=4, minutes=30)
        self.fixed._issue_coupon(PLATE, coupon_type=self.type_5)
        self.fixed._issue_coupon(PLATE, coupon_type=self.type_5)
        with self.assertRaisesRegex(UserError, "limit"):
            self.fixed._issue_coupon(PLATE, coupon_type=self.type_10)
        with at(later(days=1)):  # the next day counts again
            coupon, _warning = self.fixed._issue_coupon(PLATE, coupon_type=self.type_10)
        self.assertEqual(coupon.state, "claimed")

    def test_variable_issue_amount_per_month(self):
        self.limit(self.variable, "issue", "month", amount=15)
        for plate in ("粤B00001", "粤B00002", "粤B00003"):
            self.enter(plate=plate, hours=4, minutes=30)  # 7.00 each
        self.variable._issue_coupon("粤B00001")
        self.variable._issue_coupon("粤B00002")
        with self.assertRaisesRegex(UserError, "limit"):
            self.variable._issue_coupon("粤B00003")  # 14 + 7 > 15

    def test_purchase_count_per_month_and_paid_order_makes_coupons(self):
        self.limit(self.fixed, "purchase", "month", count=10)
        Batch = self.env["ep.coupon.batch"]
        batch = Batch.create({"merchant_id": self.fixed.id, "type_id": self.type_5.id, "count": 8,
                              "source": "purchase"})
        self.assertEqual(batch.amount, 32.0)
        batch.action_confirm(channel=self.channels["wechat"])
        order = batch.order_id
        self.assertEqual((batch.state, order.kind, order.amount, order.res_model, order.res_id),
                         ("to_pay", "coupon", 32.0, "ep.coupon.batch", batch.id))
        self.assertFalse(batch.coupon_ids)
        order._set_paid("TX-COUPON-1")
        self.assertEqual((batch.state, batch.bought_count, batch.used_count), ("done", 8, 0))
        more = Batch.create({"merchant_id": self.fixed.id, "type_id": self.type_5.id, "count": 3,
                             "source": "purchase"})
        with self.assertRaisesRegex(UserError, "limit"):
            more.action_confirm(channel=self.channels["wechat"])
