from datetime import datetime, timedelta

from odoo.addons.ep_parking.tests.test_unplated import UnplatedMixin
from odoo.exceptions import UserError

from .common import PLATE, EpCouponCase, at, later

PHONE = "13800138000"


class TestIssue(EpCouponCase, UnplatedMixin):

    def test_car_must_be_in_the_lot(self):
        with self.assertRaisesRegex(UserError, "not in the lot"):
            self.fixed._issue_coupon(PLATE)

    def test_merchant_must_be_approved(self):
        draft = self.env["ep.coupon.merchant"].create({"name": "New", "phone": "13800000099", "lot_id": self.lot.id})
        self.enter(hours=4, minutes=30)
        with self.assertRaisesRegex(UserError, "not active"):
            draft._issue_coupon(PLATE)

    def test_type_picked_on_the_current_fee(self):
        self.enter(hours=4, minutes=30)  # 7.00: the 10.00 coupon is the smallest one enough
        coupon, warning = self.fixed._issue_coupon(PLATE)
        self.assertFalse(warning)
        self.assertEqual((coupon.type_id, coupon.state, coupon.claim_kind, coupon.plate),
                         (self.type_10, "claimed", "merchant_issue", PLATE))
        self.assertEqual(coupon.amount_applied, 7.0)
        hours = (datetime.strptime(coupon.expires_at, "%Y-%m-%d %H:%M:%S")
                 - datetime.strptime(coupon.claimed_at, "%Y-%m-%d %H:%M:%S"))
        self.assertEqual(hours, timedelta(hours=4))
        self.assertEqual(coupon.batch_id.used_count, 1)

    def test_warning_then_refusal_with_one_per_car(self):
        self.enter(hours=4, minutes=30)
        self.fixed._issue_coupon(PLATE, coupon_type=self.type_5)
        _coupon, warning = self.fixed._issue_coupon(PLATE, coupon_type=self.type_5)
        self.assertIn("already holds", warning)
        self.fixed.one_per_car = True
        with self.assertRaisesRegex(UserError, "already holds"):
            self.fixed._issue_coupon(PLATE, coupon_type=self.type_5)

    def test_no_coupon_left(self):
        self.enter(hours=4, minutes=30)
        for _index in range(3):
            self.fixed._issue_coupon(PLATE, coupon_type=self.type_5)
        with self.assertRaisesRegex(UserError, "no coupon"):
            self.fixed._issue_coupon(PLATE, coupon_type=self.type_5)

    def test_expiry(self):
        self.enter(hours=4, minutes=30)
        coupon, _warning = self.fixed._issue_coupon(PLATE)
        self.env["ep.coupon"]._cron_expire()
        self.assertEqual(coupon.state, "claimed")
        with at(later(hours=4, minutes=1)):
            self.env["ep.coupon"]._cron_expire()
        self.assertEqual(coupon.state, "expired")

    def test_unplated_car_only_entered_by_qr_and_to_the_phone_that_scanned(self):
        self.enter(plate="EP99999", hours=2)  # an "EP" plate reported by a camera, not a QR entry
        with self.assertRaisesRegex(UserError, "QR code"):
            self.fixed._issue_coupon("EP99999", phone="13800199999")
        visit = self.enter_qr()
        with self.assertRaisesRegex(UserError, "phone that scanned"):
            self.fixed._issue_coupon(visit.plate, phone="13900000000")
        coupon, _warning = self.fixed._issue_coupon(visit.plate, phone=PHONE)
        self.assertEqual((coupon.plate, coupon.phone), ("EP38000", PHONE))

    def enter_qr(self):
        return UnplatedMixin.enter(self, phone=PHONE, when=datetime.utcnow() - timedelta(hours=1))

    def test_campaign_claim(self):
        campaign = self.env["ep.coupon.campaign"].create({"name": "Opening", "merchant_id": self.fixed.id})
        self.assertIn(campaign.token, campaign.qr_url)
        self.enter(hours=4, minutes=30)
        coupon, _warning = campaign._claim(PLATE)
        self.assertEqual((coupon.claim_kind, coupon.campaign_id), ("campaign_scan", campaign))
