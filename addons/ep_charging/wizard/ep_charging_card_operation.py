from odoo import api, fields, models


class EpChargingCardOperation(models.TransientModel):
    """Top up or refund a charging card (充值 / 退款, seed 004 §7.2)."""

    _name = "ep.charging.card.operation"
    _description = "Charging Card Top-up or Refund"

    card_id = fields.Many2one("ep.charging.card", required=True, ondelete="cascade")
    currency_id = fields.Many2one(related="card_id.currency_id", readonly=True)
    balance = fields.Monetary(related="card_id.balance", readonly=True)
    kind = fields.Selection([("topup", "Top-up"), ("refund", "Refund")], required=True, default="topup")
    amount = fields.Monetary(help="Refunds: leave 0 to refund the whole balance.")
    note = fields.Char()

    @api.multi
    def action_confirm(self):
        self.ensure_one()
        if self.kind == "topup":
            self.card_id._top_up(self.amount, note=self.note)
        else:
            self.card_id._refund(self.amount or None, note=self.note)
        return {"type": "ir.actions.act_window_close"}
