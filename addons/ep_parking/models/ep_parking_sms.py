import logging
from datetime import timedelta

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

PROVIDER_PARAM = "ep_parking.sms_provider"


class EpParkingSmsProvider(models.AbstractModel):
    """The SMS gateway interface: one small method, ``_send_sms(phone, body)``.

    ``_send(phone, body)`` picks the provider named by the system parameter
    ``ep_parking.sms_provider`` (default ``test``): the abstract model
    ``ep.parking.sms.provider.<name>``. A real gateway is one more abstract model inheriting
    this one and implementing ``_send_sms``.
    """

    _name = "ep.parking.sms.provider"
    _inherit = "ep.parking.provider.mixin"
    _description = "SMS Provider"
    _provider_param = PROVIDER_PARAM

    @api.model
    def _send(self, phone, body):
        """Send ``body`` to ``phone`` with the configured provider; returns what the provider returns."""
        return self._get_provider()._send_sms(phone, body)

    @api.model
    def _send_sms(self, phone, body):
        raise NotImplementedError


class EpParkingSmsProviderTest(models.AbstractModel):
    """Sends nothing: keeps each message in ep.parking.sms.message for people and tests to read."""

    _name = "ep.parking.sms.provider.test"
    _inherit = "ep.parking.sms.provider"
    _description = "SMS Provider: Test"

    @api.model
    def _send_sms(self, phone, body):
        _logger.info("test SMS provider: message to %s kept, not sent", phone)
        # sudo: anonymous visitors trigger codes; only administrators may read the messages.
        return self.env["ep.parking.sms.message"].sudo().create({"phone": phone, "body": body, "state": "test"})


class EpParkingSmsMessage(models.Model):
    """An SMS as a provider handled it (the test provider's outbox)."""

    _name = "ep.parking.sms.message"
    _description = "SMS Message"
    _order = "id desc"
    _rec_name = "phone"

    phone = fields.Char(required=True, index=True, readonly=True)
    body = fields.Text(required=True, readonly=True)
    state = fields.Selection(
        [("test", "Test (not sent)"), ("sent", "Sent"), ("failed", "Failed")],
        required=True, default="test", readonly=True, index=True,
    )
    error = fields.Char(readonly=True)

    @api.model
    def _gc_messages(self, days=30):
        """Cron: drop messages older than ``days`` days (they hold codes and phone numbers)."""
        limit = fields.Datetime.to_string(fields.Datetime.from_string(fields.Datetime.now()) - timedelta(days=days))
        self.search([("create_date", "<", limit)]).unlink()
        return True
