import hashlib
import os
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import consteq

TOKEN_TTL = timedelta(minutes=2)


class EpParkingLoginToken(models.Model):
    """A one-time secret that logs a user in once their phone code was verified (login by phone and
    SMS code, seed 000 §2.4.4 4 手机号+短信验证码登录): kept as a hash, valid two minutes, used once;
    ``res.users.check_credentials`` accepts it instead of the password."""

    _name = "ep.parking.login.token"
    _description = "Phone Login Token"
    _log_access = True

    user_id = fields.Many2one("res.users", required=True, index=True, ondelete="cascade")
    token_hash = fields.Char(required=True)
    expires_at = fields.Datetime(required=True)
    used = fields.Boolean()

    @staticmethod
    def _hash(secret):
        return hashlib.sha256(secret.encode("utf-8")).hexdigest()

    @api.model
    def _issue(self, user):
        """A new secret for ``user`` (returned once, only its hash is kept)."""
        secret = os.urandom(24).hex()
        expires = fields.Datetime.from_string(fields.Datetime.now()) + TOKEN_TTL
        self.sudo().create({"user_id": user.id, "token_hash": self._hash(secret),  # sudo: no one else reads them
                            "expires_at": fields.Datetime.to_string(expires)})
        return secret

    @api.model
    def _consume(self, user_id, secret):
        """Whether ``secret`` is a live token of ``user_id`` (then it is used up)."""
        if not secret or len(secret) != 48:
            return False
        candidates = self.sudo().search([("user_id", "=", user_id), ("used", "=", False),
                                         ("expires_at", ">", fields.Datetime.now())])
        digest = self._hash(secret)
        for token in candidates:
            if consteq(token.token_hash, digest):
                token.used = True
                return True
        return False

    @api.model
    def _gc_tokens(self):
        self.sudo().search([("expires_at", "<", fields.Datetime.now())]).unlink()
        return True
