import logging

from odoo import _, api, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

PROVIDER_PARAM = "ep_monthcard.reminder_app_provider"
DEFAULT_PROVIDER = "test"
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
    _description = "Month Card Reminder Provider"

    @api.model
    def _send(self, channel, phone, text):
        if channel.code == SMS_CHANNEL:
            return self.env["ep.parking.sms.provider"]._send(phone, text)
        return self._get_app_provider()._send_message(channel, phone, text)

    @api.model
    def _get_app_provider(self):
        # sudo: system parameters are for administrators; the cron and staff send reminders.
        name = (self.env["ir.config_parameter"].sudo().get_param(PROVIDER_PARAM) or DEFAULT_PROVIDER).strip()
        model = "%s.%s" % (self._name, name)
        if model not in self.env:
            raise UserError(_("Unknown reminder provider %s: check the system parameter "
                              "ep_monthcard.reminder_app_provider.") % name)
        return self.env[model]

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
