"""Login by phone and SMS code over HTTP (seed 000 §2.4.4 4 手机号+短信验证码登录)."""
import re

from odoo.exceptions import AccessDenied

from .common import EpHttpCase


class TestPhoneLogin(EpHttpCase):

    def setUp(self):
        super().setUp()
        self.user = self.env["res.users"].with_context(no_reset_password=True).create({
            "name": "Phone Issuer", "login": "13812345678", "password": "Not-Used-Here-2026!",
            "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])]})
        self.Sms = self.env["ep.parking.sms.message"]

    def send(self, phone):
        page = self.open("/ep/login/phone?redirect=/my/home")
        return self.post(page, "/ep/login/phone", step="send", phone=phone, redirect="/my/home")

    def test_code_logs_the_user_in(self):
        self.assertIn("/ep/login/phone", self.open("/web/login").text)
        sent = self.send("138 1234 5678")
        self.assertIn("code was sent", sent.text)
        code = re.search(r"\b(\d{6})\b", self.Sms.search([("phone", "=", "13812345678")], limit=1).body).group(1)
        bad = "000000" if code != "000000" else "111111"
        wrong = self.post(sent, "/ep/login/phone", step="verify", phone="13812345678", code=bad, redirect="/my/home")
        self.assertIn("Wrong code", wrong.text)
        self.assertIn("/web/login", self.request("GET", self.url("/my/home"), allow_redirects=False).headers.get(
            "Location", ""), "not logged in yet")
        home = self.post(wrong, "/ep/login/phone", step="verify", phone="13812345678", code=code, redirect="/my/home")
        self.assertEqual(home.url, self.url("/my/home"))
        self.assertIn("Phone Issuer", home.text)
        token = self.env["ep.parking.login.token"].search([("user_id", "=", self.user.id)])
        self.assertEqual(token.mapped("used"), [True], "a token logs in once")
        with self.assertRaises(AccessDenied):
            self.user.sudo(self.user).check_credentials("not-a-token")

    def test_first_time_driver_signs_up_with_the_code(self):
        """A phone nobody uses yet gets the same answer and a code; the code opens a portal account
        whose login is the phone (a first-time driver at a gate), logged in at once."""
        Users = self.env["res.users"].with_context(active_test=False)
        self.assertFalse(Users.search([("login", "=", "13900009999")]))
        sent = self.send("139 0000 9999")
        self.assertIn("code was sent", sent.text)
        self.assertIn("Ask for a code first", self.post(sent, "/ep/login/phone", step="verify", phone="13900008888",
                                                         code="123456").text, "a code is for its own phone")
        self.assertFalse(Users.search([("login", "=", "13900008888")]))
        code = re.search(r"\b(\d{6})\b", self.Sms.search([("phone", "=", "13900009999")], limit=1).body).group(1)
        home = self.post(sent, "/ep/login/phone", step="verify", phone="13900009999", code=code, redirect="/my/home")
        self.assertEqual(home.url, self.url("/my/home"))
        user = Users.search([("login", "=", "13900009999")])
        self.assertEqual(len(user), 1)
        self.assertTrue(user.has_group("base.group_portal"))
        self.assertFalse(user.has_group("base.group_user"), "an owner is no staff user")
        self.assertEqual(user.partner_id.mobile, "13900009999")
        self.assertIn("13900009999", home.text, "the new owner's home shows their phone")

    def test_disabled_account_is_not_reopened(self):
        self.user.active = False
        sent = self.send("13812345678")
        code = re.search(r"\b(\d{6})\b", self.Sms.search([("phone", "=", "13812345678")], limit=1).body).group(1)
        page = self.post(sent, "/ep/login/phone", step="verify", phone="13812345678", code=code, redirect="/my/home")
        self.assertIn("This account is disabled", page.text)
        self.assertEqual(self.env["res.users"].with_context(active_test=False).search_count(
            [("login", "=", "13812345678")]), 1, "no second account for the phone")
