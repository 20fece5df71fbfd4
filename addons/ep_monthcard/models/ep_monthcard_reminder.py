import logging
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.addons.ep_parking.models.ep_parking_tariff import to_lot_time

from ..lib import reminder
from .ep_monthcard import VALID_STATES
from .ep_monthcard_reminder_setting import EXPIRY_CHOICES

_logger = logging.getLogger(__name__)

REMINDER_STATES = [("sent", "Sent"), ("failed", "Failed")]
WIDEST_WINDOW = timedelta(days=max(reminder.WINDOW_DAYS.values()))


class EpMonthcardReminder(models.Model):
    """A month-card reminder (月卡推送消息 §2.1.3, 到期提醒 §2.3.5) as it was sent or failed.

    The daily cron reminds each due card (``lib/reminder.py`` with the lot's setting) once per
    card, end date, kind (expiring/expired) and channel: a failed reminder is tried again on the
    same row the next day, a sent one never again. Cards without a mobile number fail."""

    _name = "ep.monthcard.reminder"
    _description = "Month Card Reminder"
    _order = "id desc"
    _rec_name = "plate"

    card_id = fields.Many2one("ep.monthcard", string="Month Card", required=True, index=True, ondelete="cascade",
                              readonly=True)
    lot_id = fields.Many2one("ep.parking.lot", required=True, index=True, readonly=True, ondelete="cascade")
    plate = fields.Char(required=True, readonly=True)
    phone = fields.Char(readonly=True)
    channel_id = fields.Many2one("ep.monthcard.reminder.channel", required=True, readonly=True, ondelete="restrict")
    kind = fields.Selection(EXPIRY_CHOICES, required=True, readonly=True)
    date_end = fields.Datetime(string="Card Valid Until", required=True, readonly=True)
    text = fields.Text(required=True, readonly=True)
    state = fields.Selection(REMINDER_STATES, required=True, readonly=True, index=True)
    error = fields.Char(readonly=True)
    date_sent = fields.Datetime(string="Tried At", readonly=True)
    attempts = fields.Integer(readonly=True, default=1)
    sms_message_id = fields.Many2one("ep.parking.sms.message", string="SMS", readonly=True, ondelete="set null")

    _sql_constraints = [("card_end_kind_channel_unique", "unique(card_id, date_end, kind, channel_id)",
                         "A card is reminded once per end date, kind and channel.")]

    @api.model
    def _cron_send_reminders(self, now=None):
        """Daily: remind the cards due at every lot; returns the reminders tried."""
        now = fields.Datetime.from_string(now or fields.Datetime.now())
        # sudo: the cron reminds the cards of every lot, whoever runs it (the log is its own record).
        cards = self.env["ep.monthcard"].sudo().search([
            ("state", "in", VALID_STATES),
            ("date_end", ">=", fields.Datetime.to_string(now - WIDEST_WINDOW)),
            ("date_end", "<=", fields.Datetime.to_string(now + WIDEST_WINDOW))], order="lot_id, date_end, id")
        rules = self.env["ep.monthcard.reminder.setting"]._get_lot_rules(cards.mapped("lot_id"))
        done = self.browse()
        for card in cards:
            rule = rules.get(card.lot_id.id)
            if rule is None:
                continue
            expiry, window, sms_ad, channels = rule
            if not reminder.is_due(now, fields.Datetime.from_string(card.date_end), expiry, window):
                continue
            for channel in channels:
                done |= self.sudo()._remind(card, channel, expiry, sms_ad, now)
        return done

    def _remind(self, card, channel, expiry, sms_ad, now):
        """Remind ``card`` on ``channel`` unless it was already; returns the log row (or nothing)."""
        existing = self.search([("card_id", "=", card.id), ("date_end", "=", card.date_end), ("kind", "=", expiry),
                                ("channel_id", "=", channel.id)], limit=1)
        if existing.state == "sent":
            return self.browse()
        text = reminder.message(card.lot_id.name, card.plate, to_lot_time(card.date_end), expiry,
                                with_ad=sms_ad and channel.code == "sms")
        vals = dict(self._send_reminder(card, channel, text), text=text, phone=card.phone or False,
                    date_sent=fields.Datetime.to_string(now))
        if existing:
            existing.write(dict(vals, attempts=existing.attempts + 1))
            return existing
        return self.create(dict(vals, card_id=card.id, lot_id=card.lot_id.id, plate=card.plate,
                                channel_id=channel.id, kind=expiry, date_end=card.date_end))

    @api.model
    def _send_reminder(self, card, channel, text):
        """Send ``text`` to the card's holder; the state, error and SMS of the log row."""
        if not card.phone:
            return {"state": "failed", "error": _("The card has no mobile number."), "sms_message_id": False}
        try:
            with self.env.cr.savepoint():
                result = self.env["ep.monthcard.reminder.provider"]._send(channel, card.phone, text)
        except Exception as exc:  # a gateway failure must not stop the other cards' reminders: log it, go on
            _logger.warning("month card reminder to %s on %s failed", card.phone, channel.code, exc_info=True)
            return {"state": "failed", "error": str(exc) or exc.__class__.__name__, "sms_message_id": False}
        sms = result if isinstance(result, models.BaseModel) and result._name == "ep.parking.sms.message" else None
        return {"state": "sent", "error": False, "sms_message_id": sms.id if sms else False}
