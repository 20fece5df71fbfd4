from odoo import fields, models


class EpMonthcardReminderChannel(models.Model):
    """Where a month-card reminder goes (推送渠道, seed 000 §2.1.3): Colourlife (彩之云), the new
    Colourlife app (新版彩之云), SMS (短信) and WeChat (微信) are data records; ``code`` picks the
    provider (``sms``: ep_parking's SMS provider; the others: the app push provider)."""

    _name = "ep.monthcard.reminder.channel"
    _description = "Month Card Reminder Channel"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="sms, colourlife, colourlife_new, wechat, ...")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)

    _sql_constraints = [("code_unique", "unique(code)", "Each reminder channel has its own code.")]
