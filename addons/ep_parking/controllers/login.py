"""Login by phone number and SMS code (``/ep/login/phone``), for portal users whose login is their
phone — merchants' issuers (seed 000 §2.4.4 4: 手机号+短信验证码登录) and car owners.

GET: the form. POST ``send``: a code by SMS to the phone (registered or not: who is registered
stays private). POST ``verify``: the code checked (``ep.parking.phone.verification``); right, the
phone's user — a new portal user when the phone has none, so a first-time driver who scanned a
gate's QR code signs up here (seed 000 owner app) — is logged in with a one-time token
(``ep.parking.login.token``) through Odoo's own session authentication, then on to ``redirect``.
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
        return self._env()["res.users"].with_context(active_test=False).search([("login", "=", phone)], limit=1)

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
            try:
                sent = Verification._request_code(phone, PURPOSE)
            except UserError as exc:
                return self._render(phone=phone, redirect=redirect, step="code", error=exc.name)
            return self._render(phone=phone, redirect=redirect, step="code", test_message=sent._get_test_message(),
                                info=_("A code was sent to this number: it logs you in, or opens your account "
                                       "if this is your first time."))
        pending = Verification._find_pending(phone, PURPOSE)
        error = pending._check_code(code) if pending else _("Ask for a code first.")
        if error:
            return self._render(phone=phone, redirect=redirect, step="code", error=error)
        pending._consume(phone, PURPOSE)
        user = self._user(phone)
        if not user:
            user = self._env()["res.users"]._ep_portal_user_for_phone(phone)
        elif not user.active:
            return self._render(phone=phone, redirect=redirect, step="phone", error=_("This account is disabled."))
        secret = self._env()["ep.parking.login.token"]._issue(user)
        request.env.cr.commit()  # the token must be visible to the login's own cursor  # pylint: disable=invalid-commit
        try:
            request.session.authenticate(request.session.db, user.login, secret)
        except AccessDenied:
            return self._render(phone=phone, redirect=redirect, step="phone", error=_("The login failed; try again."))
        return request.redirect(redirect)
