from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, ValidationError
from odoo.tools import mute_logger

from .common import EpCouponCase


class TestMerchant(EpCouponCase):
    """§2.4.1 1-2: merchants onboarded through an approval, issuers (super admin vs normal), one phone
    one merchant, region access."""

    def test_onboarding_goes_through_the_approval(self):
        merchant = self.new_merchant("Market", "13800000002", kind="variable", max_face_value=10)
        self.assertEqual((merchant.state, merchant.approval_state), ("draft", "draft"))
        merchant.sudo(self.users["lot_staff"]).action_submit()
        self.assertEqual(merchant.approval_state, "to_approve")
        with self.assertRaises(AccessError):
            merchant.sudo(self.users["lot_staff"]).action_approve()
        merchant.sudo(self.users["manager"]).action_approve()
        self.assertEqual((merchant.state, merchant.approval_state), ("active", "approved"))
        self.assertEqual(merchant.authorization_ids.mapped("phone"), ["13800000002"])
        self.assertTrue(merchant.authorization_ids.is_super_admin, "the administrator's phone is the super admin")

    def test_first_issuer_is_super_admin_and_only_they_grant(self):
        boss, clerk = self.portal_user("cafe-boss"), self.portal_user("cafe-clerk")
        self.merchant.authorization_ids.user_id = boss
        granted = self.Authorization._grant(self.merchant, boss, "13800000011", name="Clerk")
        granted.user_id = clerk
        self.assertEqual((self.merchant.authorization_ids[0].is_super_admin, granted.is_super_admin), (True, False))
        with self.assertRaisesRegex(AccessError, "Only the super administrator"):
            self.Authorization._grant(self.merchant, clerk, "13800000012")
        with self.assertRaisesRegex(AccessError, "Only the super administrator"):
            granted._revoke(clerk)
        with self.assertRaisesRegex(ValidationError, "cannot be revoked"):
            self.merchant.authorization_ids[0]._revoke(boss)
        granted._revoke(boss)
        self.assertEqual(len(self.merchant.authorization_ids), 1)
        other = self.new_merchant("Other", "13800000003")
        other._on_approved()
        with self.assertRaisesRegex(AccessError, "Only the super administrator"):
            self.Authorization._grant(other, boss, "13800000013")  # not boss's merchant

    def test_one_phone_one_merchant(self):
        other = self.new_merchant("Other", "13800000004")
        with self.assertRaisesRegex(ValidationError, "already bound to another merchant"):
            self.Authorization.create({"merchant_id": other.id, "phone": "138 0000 0001"})
        with self.assertRaisesRegex(ValidationError, "already an issuer"):
            self.Authorization.create({"merchant_id": self.merchant.id, "phone": "13800000001"})
        with self.assertRaisesRegex(ValidationError, "11-digit"):
            self.Authorization.create({"merchant_id": other.id, "phone": "12345"})
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.env.cr.savepoint():
            # the database refuses it too, whoever bypasses the check
            self.env.cr.execute("INSERT INTO ep_coupon_authorization (merchant_id, phone, sequence) VALUES (%s, %s, 1)",
                                (other.id, "13800000001"))
        self.merchant.authorization_ids.unlink()  # revoked there: the phone may move
        self.assertTrue(self.Authorization.create({"merchant_id": other.id, "phone": "13800000001"}))

    def test_validation(self):
        for vals, message in (({"phone": "1380000"}, "11-digit"), ({"expiry_hours": 0}, "at least one hour"),
                              ({"max_face_value": -1}, "cannot be negative")):
            with self.assertRaisesRegex(ValidationError, message), self.env.cr.savepoint():
                self.new_merchant("Bad", "13800000005", **dict({"phone": "13800000005"}, **vals))
        with self.assertRaisesRegex(ValidationError, "positive face value"), self.env.cr.savepoint():
            self.env["ep.coupon.type"].create({"name": "Zero", "merchant_id": self.merchant.id, "face_value": 0})
        release = self.new_merchant("Release", "13800000006", kind="variable")
        self.assertTrue(self.env["ep.coupon.type"].create({"name": "放行券", "merchant_id": release.id}))

    def test_region_access_and_preexit(self):
        far = self.new_merchant("Far", "13800000007", lot=self.other_lot)
        staff = self.users["lot_staff"]
        self.assertEqual(self.Merchant.sudo(staff).search([("id", "in", (self.merchant | far).ids)]), self.merchant)
        with self.assertRaises(AccessError):
            far.sudo(staff).read(["name"])
        self.assertEqual(self.Merchant.sudo(self.users["manager"]).search_count([("id", "in", far.ids)]), 1)
        with self.assertRaises(AccessError):
            self.merchant.sudo(self.users["operator"]).write({"name": "Mine"})
        Config = self.env["ep.coupon.preexit.config"]
        self.assertFalse(Config._is_enabled(self.lot))
        Config.sudo(staff).create({"lot_id": self.lot.id})
        self.assertTrue(Config._is_enabled(self.lot))
        self.assertFalse(Config._is_enabled(self.other_lot))
