from odoo.exceptions import AccessError, ValidationError

from .common import EpCouponCase


class TestAuthorization(EpCouponCase):

    def setUp(self):
        super().setUp()
        Users = self.env["res.users"]
        portal = self.env.ref("base.group_portal")
        self.super_user, self.normal_user = (Users.create({
            "name": name, "login": "ep_coupon_%s" % name, "groups_id": [(6, 0, [portal.id])]})
            for name in ("super", "normal"))
        Auth = self.env["ep.coupon.authorization"]
        self.first = Auth.create({"merchant_id": self.fixed.id, "phone": "13700000001", "user_id": self.super_user.id})
        self.second = Auth.create({"merchant_id": self.fixed.id, "phone": "13700000002",
                                   "user_id": self.normal_user.id})

    def test_first_issuer_is_super_admin(self):
        self.assertTrue(self.first.is_super)
        self.assertFalse(self.second.is_super)

    def test_one_phone_one_merchant(self):
        with self.assertRaisesRegex(ValidationError, "bound to another merchant"):
            self.env["ep.coupon.authorization"].create({"merchant_id": self.variable.id, "phone": "13700000001"})

    def test_only_super_admin_grants_and_revokes(self):
        Auth = self.env["ep.coupon.authorization"]
        with self.assertRaises(AccessError):
            Auth._check_can_manage(self.normal_user, self.fixed)
        with self.assertRaises(AccessError):
            Auth._grant(self.normal_user, self.fixed, "13700000003")
        with self.assertRaises(AccessError):
            self.first._revoke(self.normal_user)
        self.assertTrue(Auth._check_can_manage(self.super_user, self.fixed))
        third = Auth._grant(self.super_user, self.fixed, "13700000003")
        self.assertFalse(third.is_super)
        third._revoke(self.super_user)
        self.assertFalse(third.exists())
        with self.assertRaises(AccessError):  # super admin of one merchant only
            Auth._check_can_manage(self.super_user, self.variable)

    def test_portal_issuer_reads_own_merchant_coupons_only(self):
        self.enter(hours=4, minutes=30)
        coupon, _warning = self.fixed._issue_coupon("粤B12345")
        other = self.env["ep.coupon"].create({"merchant_id": self.variable.id, "type_id": self.type_5.id})
        Coupon = self.env["ep.coupon"].sudo(self.normal_user)
        visible = Coupon.search([])
        self.assertIn(coupon, visible)
        self.assertNotIn(other, visible)
