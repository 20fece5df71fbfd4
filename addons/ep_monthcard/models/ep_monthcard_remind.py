from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib import reminder

MANUAL_WINDOW = "week"  # 若月卡在7天内过期，可以点击"到期提醒"推送短信消息给业主


class EpMonthcard(models.Model):
    """到期提醒 (seed 000 §2.3.5): staff send the expiry SMS of a card ending within 7 days by hand,
    through the same reminder log as the daily job (once per card, end date and kind)."""

    _inherit = "ep.monthcard"

    @api.multi
    def action_send_expiry_reminder(self, now=None):
        self.ensure_one()
        now = fields.Datetime.from_string(now or fields.Datetime.now())
        end = fields.Datetime.from_string(self.date_end)
        if self.state not in ("created", "in_use") or not reminder.is_due(now, end, reminder.EXPIRING, MANUAL_WINDOW):
            raise UserError(_("Only a valid card ending within %(days)s days can be reminded (%(plate)s ends on "
                              "%(end)s).") % {"days": reminder.WINDOW_DAYS[MANUAL_WINDOW], "plate": self.plate,
                                             "end": self.date_end})
        Reminder = self.env["ep.monthcard.reminder"]
        sms = self.env.ref("ep_monthcard.reminder_channel_sms")
        rule = self.env["ep.monthcard.reminder.setting"]._get_lot_rules(self.lot_id)[self.lot_id.id]
        sms_ad = bool(rule and rule[2])
        # sudo: the log is written by the reminder engine only (staff read it)
        log = Reminder.sudo()._remind(self, sms, reminder.EXPIRING, sms_ad, now)
        if not log:
            raise UserError(_("%(plate)s was already reminded of this end date.") % {"plate": self.plate})
        if log.state == "failed":
            raise UserError(_("The reminder to %(plate)s failed: %(error)s") % {"plate": self.plate,
                                                                               "error": log.error})
        # sudo: operators (who read cards only) may send the reminder; the note keeps them as author
        self.sudo().message_post(body=_("Expiry reminder sent: %(text)s") % {"text": log.text},
                                 author_id=self.env.user.partner_id.id)
        return True
