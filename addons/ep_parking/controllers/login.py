"""Login by phone number and SMS code (``/ep/login/phone``), for portal users whose login is their
phone — merchants' issuers (seed 000 §2.4.4 4: 手机号+短信验证码登录) and car owners.

GET: the form. POST ``send``: a code by SMS when a user has this phone as login (the page says the
same either way: who is registered stays private). POST ``verify``: the code checked
(``ep.parking.phone.verification``); right, a one-time token (``ep.parking.login.token``) logs the
user in through Odoo's own session authentication, then on to ``redirect`` (a local path).
"""
from odoo import SUPERUSER_ID, _, http
from odoo.exceptions import AccessDenied, UserError
from odoo.http import request

from .payment import local_url

PURPOSE = "login"


class PhoneLogin(http.Controller):

    def _env(self):
        # sudo: visitors are anonymous; codes go only to the phone typed, the login to its owner
        return request.env(user=SUPERUSER_ID)

    def _render(self, **values):
        return request.render("ep_parking.phone_login_page", dict(
            values, test_mode=self._env()["ep.parking.sms.provider"]._is_test_mode()))

    def _user(self, phone):
        return self._env()["res.users"].search([("login", "=", phone)], limit=1)

    @http.route("/ep/login/phone", type="http", auth="public", website=True, methods=["GET", "POST"])
    def phone_login(self, phone="", code="", step="", redirect="", **kwargs):
        redirect = local_url(redirect) or "/my"
        if request.httprequest.method == "GET":
            return self._render(phone=phone, redirect=redirect, step="phone")
        Verification = self._env()["ep.parking.phone.verification"]
        try:
            phone = Verification._normalize_phone(phone)
        except UserError as exc:
            return self._render(phone=phone, redirect=redirect, step="phone", error=exc.name)
        if step == "send":
            sent = Verification.browse()
            if self._user(phone):
                try:
                    sent = Verification._request_code(phone, PURPOSE)
                except UserError as exc:
                    return self._render(phone=phone, redirect=redirect, step="code", error=exc.name)
            return self._render(phone=phone, redirect=redirect, step="code", test_message=sent._get_test_message()
                                if sent else False, info=_("If this number may log in, a code was sent to it."))
        pending = Verification._find_pending(phone, PURPOSE)
        error = pending._check_code(code) if pending else _("Ask for a code first.")
        user = self._user(phone)
        if error or not user:
            return self._render(phone=phone, redirect=redirect, step="code", error=error or _("Wrong code."))
        pending._consume(phone, PURPOSE)
        secret = self._env()["ep.parking.login.token"]._issue(user)
        request.env.cr.commit()  # the token must be visible to the login's own cursor  # pylint: disable=invalid-commit
        try:
            request.session.authenticate(request.session.db, user.login, secret)
        except AccessDenied:
            return self._render(phone=phone, redirect=redirect, step="phone", error=_("The login failed; try again."))
        return request.redirect(redirect)
