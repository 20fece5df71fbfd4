from odoo import api, fields, models

from ..lib import reminder

EXPIRY_CHOICES = [(reminder.EXPIRING, "Expiring"), (reminder.EXPIRED, "Expired")]
WINDOWS = [("week", "Within a Week"), ("half_month", "Within Half a Month"), ("month", "Within a Month")]
DEFAULT_CHANNEL = "sms"


class EpMonthcardReminderSetting(models.Model):
    """月卡推送消息 (seed 000 §2.1.3): when and where a lot reminds its card holders.

    One per lot. Cards about to expire (即将过期) or that expired (已经过期) within a week, half a
    month or a month (一周内/半月内/一月内) are reminded once per end date on each channel; SMS
    may carry the Colourlife advert. A lot without a setting reminds the cards expiring within a
    week by SMS; an archived setting stops the lot's reminders."""

    _name = "ep.monthcard.reminder.setting"
    _description = "Month Card Reminder Setting"
    _order = "lot_id"
    _rec_name = "lot_id"

    lot_id = fields.Many2one("ep.parking.lot", required=True, index=True, ondelete="cascade")
    expiry = fields.Selection(EXPIRY_CHOICES, string="Remind Cards", required=True, default=reminder.DEFAULT_EXPIRY)
    window = fields.Selection(WINDOWS, string="Expiry Time", required=True, default=reminder.DEFAULT_WINDOW)
    sms_ad = fields.Boolean(string="Colourlife Advert in SMS",
                            help="The SMS ends with the Colourlife wallet advert (是否短信推送彩之云广告).")
    channel_ids = fields.Many2many("ep.monthcard.reminder.channel", string="Channels",
                                   default=lambda self: self._default_channel_ids())
    active = fields.Boolean(default=True)

    _sql_constraints = [("lot_unique", "unique(lot_id)", "A lot has one month-card reminder setting.")]

    @api.model
    def _default_channel_ids(self):
        return self.env["ep.monthcard.reminder.channel"].search([("code", "=", DEFAULT_CHANNEL)], limit=1)

    @api.model
    def _get_lot_rules(self, lots):
        """``{lot id: (expiry, window, sms_ad, channels) or None}``: None when the lot's setting is
        archived (no reminders); the default (expiring within a week, by SMS) without one."""
        # sudo: the daily cron and any staff member read every lot's setting the same way.
        settings = self.sudo().with_context(active_test=False).search([("lot_id", "in", lots.ids)])
        by_lot = {setting.lot_id.id: setting for setting in settings}
        default = (reminder.DEFAULT_EXPIRY, reminder.DEFAULT_WINDOW, False, self._default_channel_ids())
        rules = {}
        for lot in lots:
            setting = by_lot.get(lot.id)
            if setting is None:
                rules[lot.id] = default
            elif setting.active:
                rules[lot.id] = (setting.expiry, setting.window, setting.sms_ad, setting.channel_ids)
            else:
                rules[lot.id] = None
        return rules
