import logging

from odoo import api, models

_logger = logging.getLogger(__name__)

PROVIDER_PARAM = "ep_monthcard.reminder_app_provider"
SMS_CHANNEL = "sms"


class EpMonthcardReminderProvider(models.AbstractModel):
    """Sends a month-card reminder on a channel: ``_send(channel, phone, text)``.

    SMS goes through ep_parking's SMS provider (``ep.parking.sms.provider``, its own system
    parameter). The app channels (Colourlife, new Colourlife, WeChat) go through the provider
    named by the system parameter ``ep_monthcard.reminder_app_provider`` (default ``test``):
    the abstract model ``ep.monthcard.reminder.provider.<name>`` implementing ``_send_message``.
    Returns what the provider returns (an ``ep.parking.sms.message`` for the SMS test provider);
    raises when the message was not sent."""

    _name = "ep.monthcard.reminder.provider"
    _inherit = "ep.parking.provider.mixin"
    _description = "Month Card Reminder Provider"
    _provider_param = PROVIDER_PARAM

    @api.model
    def _send(self, channel, phone, text):
        if channel.code == SMS_CHANNEL:
            return self.env["ep.parking.sms.provider"]._send(phone, text)
        return self._get_provider()._send_message(channel, phone, text)

    @api.model
    def _send_message(self, channel, phone, text):
        raise NotImplementedError


class EpMonthcardReminderProviderTest(models.AbstractModel):
    """Sends nothing: the message stays in the reminder log (``ep.monthcard.reminder``)."""

    _name = "ep.monthcard.reminder.provider.test"
    _inherit = "ep.monthcard.reminder.provider"
    _description = "Month Card Reminder Provider: Test"

    @api.model
    def _send_message(self, channel, phone, text):
        _logger.info("test reminder provider: %s message to %s kept, not sent", channel.code, phone)
        return True
