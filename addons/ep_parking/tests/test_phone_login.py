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
        self.assertIn("a code was sent", sent.text)
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

    def test_unknown_number_gets_the_same_answer_and_no_sms(self):
        sent = self.send("13900009999")
        self.assertIn("a code was sent", sent.text)
        self.assertFalse(self.Sms.search([("phone", "=", "13900009999")]))
        self.assertIn("Ask for a code first", self.post(sent, "/ep/login/phone", step="verify", phone="13900009999",
                                                         code="123456").text)
