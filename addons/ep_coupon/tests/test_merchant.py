from odoo.exceptions import AccessError, UserError, ValidationError

from .common import EpCouponCase


class TestMerchant(EpCouponCase):
    """§2.4.1 1-2: merchants onboarded through an approval, their phone the first issuer (super
    admin, a portal user texted a sign-up link), phones written one way, region access."""

    def new_merchant(self, name, phone, lot=None, **vals):
        return self.env["ep.coupon.merchant"].create(dict(
            vals, name=name, phone=phone, lot_id=(lot or self.lot).id, kind=vals.get("kind", "fixed")))

    def test_onboarding_goes_through_the_approval(self):
        merchant = self.new_merchant("Market", "13800000002", kind="variable", max_face_value=10)
        self.assertEqual((merchant.state, merchant.approval_state), ("draft", "draft"))
        with self.assertRaisesRegex(UserError, "not active"):
            merchant._issue_coupon("粤B12345")
        merchant.sudo(self.users["lot_staff"]).action_submit()
        self.assertEqual(merchant.approval_state, "to_approve")
        with self.assertRaises(AccessError):
            merchant.sudo(self.users["lot_staff"]).action_approve()
        merchant.sudo(self.users["manager"]).action_approve()
        self.assertEqual((merchant.state, merchant.approval_state), ("active", "approved"))
        issuer = merchant.authorization_ids
        self.assertEqual((issuer.phone, issuer.is_super), ("13800000002", True))
        self.assertEqual(issuer.user_id.login, "13800000002")
        self.assertTrue(issuer.user_id.has_group("base.group_portal"))
        sms = self.env["ep.parking.sms.message"].search([("phone", "=", "13800000002")], limit=1)
        self.assertIn(issuer.user_id.partner_id.signup_token, sms.body, "texted the link to choose a password")

    def test_phones(self):
        with self.assertRaisesRegex(ValidationError, "11-digit"):
            self.new_merchant("Bad", "1380000")
        with self.assertRaisesRegex(ValidationError, "11 digits"):
            self.new_merchant("Spaces", "138 0000 0005")
        Auth = self.env["ep.coupon.authorization"]
        first = Auth.create({"merchant_id": self.fixed.id, "phone": "+86 138-0000-0006"})
        self.assertEqual(first.phone, "13800000006")
        with self.assertRaisesRegex(ValidationError, "already an issuer of this merchant"):
            Auth.create({"merchant_id": self.fixed.id, "phone": "13800000006"})
        with self.assertRaisesRegex(ValidationError, "bound to another merchant"):
            Auth.create({"merchant_id": self.variable.id, "phone": "138 0000 0006"})
        first.unlink()  # the authorization removed first, the phone may move (§2.4.1 2)
        self.assertTrue(Auth.create({"merchant_id": self.variable.id, "phone": "13800000006"}))

    def test_region_access(self):
        far = self.new_merchant("Far", "13800000007", lot=self.other_lot)
        Merchant = self.env["ep.coupon.merchant"]
        staff = self.users["lot_staff"]
        mine = self.fixed | self.variable
        self.assertEqual(Merchant.sudo(staff).search([("id", "in", (mine | far).ids)]), mine)
        with self.assertRaises(AccessError):
            far.sudo(staff).read(["name"])
        self.assertEqual(Merchant.sudo(self.users["manager"]).search_count([("id", "=", far.id)]), 1)
        with self.assertRaises(AccessError):
            self.fixed.sudo(self.users["operator"]).write({"name": "Mine"})
        Coupon = self.env["ep.coupon"]
        self.assertTrue(Coupon.sudo(staff).search_count([("merchant_id", "=", self.fixed.id)]))
        far_type = self.env["ep.coupon.type"].create({"name": "Far 5", "lot_id": self.other_lot.id, "face_value": 5})
        with self.assertRaises(AccessError):
            far_type.sudo(staff).read(["name"])
        Config = self.env["ep.coupon.preexit.config"]
        self.assertFalse(Config._is_enabled(self.lot))
        Config.sudo(staff).create({"lot_id": self.lot.id})
        self.assertTrue(Config._is_enabled(self.lot))
        with self.assertRaises(AccessError):
            Config.sudo(staff).create({"lot_id": self.other_lot.id})
