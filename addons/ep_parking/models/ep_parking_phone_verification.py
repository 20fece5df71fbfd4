from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import consteq

from ..lib import verification as rules

PURPOSES = [("unplated_entry", "Unplated Entry"), ("unplated_exit", "Unplated Exit"), ("login", "Login")]


class EpParkingPhoneVerification(models.Model):
    """A code sent by SMS to prove a phone number (seed 000 §2.2.4 验证手机号).

    The code is kept only as a salted HMAC; it expires after 5 minutes, allows 5 wrong
    tries and a phone gets at most one code a minute (lib/verification.py). Visitors are
    anonymous: website controllers use this model through sudo().
    """

    _name = "ep.parking.phone.verification"
    _description = "Phone Verification"
    _order = "id desc"
    _rec_name = "phone"

    phone = fields.Char(required=True, index=True, readonly=True)
    purpose = fields.Selection(PURPOSES, required=True, readonly=True, index=True)
    lot_id = fields.Many2one("ep.parking.lot", readonly=True, index=True, ondelete="cascade")
    code_hash = fields.Char(readonly=True, copy=False, groups="base.group_system")
    salt = fields.Char(readonly=True, copy=False, groups="base.group_system")
    sent_at = fields.Datetime(required=True, readonly=True, index=True, default=fields.Datetime.now)
    expires_at = fields.Datetime(compute="_compute_expires_at", store=True)
    attempts = fields.Integer(readonly=True, copy=False, help="Wrong codes typed.")
    state = fields.Selection(
        [("pending", "Pending"), ("verified", "Verified"), ("locked", "Locked"), ("used", "Used")],
        required=True, default="pending", readonly=True, index=True, copy=False,
    )
    verified_at = fields.Datetime(readonly=True, copy=False)
    sms_message_id = fields.Many2one(
        "ep.parking.sms.message", string="SMS", readonly=True, ondelete="set null",
        help="The message the test provider kept (no message with a real provider).")

    @api.depends("sent_at")
    def _compute_expires_at(self):
        for record in self:
            record.expires_at = record.sent_at and fields.Datetime.to_string(
                fields.Datetime.from_string(record.sent_at) + rules.CODE_TTL)

    # ------------------------------------------------------------ sending
    @api.model
    def _normalize_phone(self, phone):
        phone = rules.normalize_phone(phone)
        if not rules.is_valid_phone(phone):
            raise UserError(_("Please enter an 11-digit mobile phone number, e.g. 13800138000."))
        return phone

    @api.model
    def _get_resend_wait(self, phone, now=None):
        """Seconds before ``phone`` may get another code (0: now)."""
        now = fields.Datetime.from_string(now or fields.Datetime.now())
        since = fields.Datetime.to_string(now - rules.CODES_WINDOW)
        sent = self.search([("phone", "=", phone), ("sent_at", ">", since),
                            ("sent_at", "<=", fields.Datetime.to_string(now))]).mapped("sent_at")
        return rules.resend_wait(now, [fields.Datetime.from_string(value) for value in sent])

    @api.model
    def _secret(self):
        # sudo: the database secret is a system parameter, never shown; it keys the code hashes.
        return self.env["ir.config_parameter"].sudo().get_param("database.secret", "")

    @api.model
    def _request_code(self, phone, purpose, lot=None):
        """Send a new code to ``phone``; returns the verification. Raises UserError when the
        number is invalid or asked for a code too recently."""
        phone = self._normalize_phone(phone)
        wait = self._get_resend_wait(phone)
        if wait:
            raise UserError(_("A code was sent to this number a moment ago. You can ask for a new one "
                              "in %s seconds.") % wait)
        provider = self.env["ep.parking.sms.provider"]._get_provider()  # fails before writing anything
        code, salt = rules.new_code(), rules.new_salt()
        record = self.create({
            "phone": phone, "purpose": purpose, "lot_id": lot.id if lot else False, "salt": salt,
            "code_hash": rules.hash_code(code, salt, self._secret()), "sent_at": fields.Datetime.now(),
        })
        minutes = int(rules.CODE_TTL.total_seconds() // 60)
        body = _("Your EP Parking verification code is %(code)s. It is valid for %(minutes)s minutes; "
                 "do not share it.") % {"code": code, "minutes": minutes}
        result = provider._send_sms(phone, body)
        if isinstance(result, models.BaseModel) and result._name == "ep.parking.sms.message":
            record.sms_message_id = result
        return record

    @api.model
    def _find_pending(self, phone, purpose, lot=None):
        """The latest code sent to ``phone`` for ``purpose`` (at ``lot``), not used yet."""
        domain = [("phone", "=", rules.normalize_phone(phone)), ("purpose", "=", purpose),
                  ("state", "in", ("pending", "locked"))]
        if lot is not None:
            domain.append(("lot_id", "=", lot.id))
        return self.search(domain, limit=1)

    def _get_test_message(self):
        """The SMS text to show on the page when the test provider is active (it sends nothing)."""
        self.ensure_one()
        if self.sms_message_id.state == "test" and self.env["ep.parking.sms.provider"]._is_test_mode():
            return self.sms_message_id.body
        return False

    # ------------------------------------------------------------ checking
    def _check_code(self, code, now=None):
        """Compare ``code``; returns an error message, or False when it is right (then verified).

        Never raises, so that the wrong attempt it counts is kept by the caller's transaction.
        """
        self.ensure_one()
        code = (code or "").strip()
        now = fields.Datetime.from_string(now or fields.Datetime.now())
        used = self.state in ("verified", "used")
        outcome = rules.check_before_compare(now, fields.Datetime.from_string(self.sent_at), self.attempts, used,
                                             code)
        if outcome:
            return self._outcome_message(outcome)
        if consteq(rules.hash_code(code, self.salt, self._secret()), self.code_hash or ""):
            self.write({"state": "verified", "verified_at": fields.Datetime.to_string(now)})
            return False
        attempts = self.attempts + 1
        left = rules.attempts_left(attempts)
        self.write({"attempts": attempts, "state": "pending" if left else "locked"})
        if not left:
            return self._outcome_message(rules.LOCKED)
        return _("Wrong code. %s attempts left.") % left

    @api.model
    def _outcome_message(self, outcome):
        return {
            rules.USED: _("This code was already used. Please ask for a new one."),
            rules.LOCKED: _("Too many wrong codes. Please ask for a new one."),
            rules.EXPIRED: _("This code has expired. Please ask for a new one."),
            rules.BAD_FORMAT: _("The code has 6 digits."),
        }[outcome]

    def _consume(self, phone, purpose):
        """Use a verified code once, for the phone and purpose it was sent for."""
        self.ensure_one()
        if self.state != "verified" or self.phone != rules.normalize_phone(phone) or self.purpose != purpose:
            raise UserError(_("Please verify your phone number first."))
        self.state = "used"
        return True

    # ------------------------------------------------------------ housekeeping
    @api.model
    def _gc_verifications(self, days=1):
        """Cron: drop codes older than ``days`` days; the throttle only looks one hour back."""
        limit = fields.Datetime.from_string(fields.Datetime.now()) - timedelta(days=days)
        self.search([("sent_at", "<", fields.Datetime.to_string(limit))]).unlink()
        self.env["ep.parking.login.token"]._gc_tokens()
        return True
