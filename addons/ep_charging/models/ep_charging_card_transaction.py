from odoo import fields, models


class EpChargingCardTransaction(models.Model):
    """One movement of a card's balance (记录): top-up, charge of an order, refund."""

    _name = "ep.charging.card.transaction"
    _description = "Charging Card Record"
    _order = "id desc"

    card_id = fields.Many2one("ep.charging.card", required=True, index=True, ondelete="cascade", readonly=True)
    region_id = fields.Many2one(related="card_id.region_id", store=True, readonly=True)
    lot_id = fields.Many2one(related="card_id.lot_id", store=True, readonly=True)
    currency_id = fields.Many2one(related="card_id.currency_id", readonly=True)
    kind = fields.Selection([("topup", "Top-up"), ("charge", "Charging"), ("refund", "Refund"),
                             ("deposit", "Occupancy Deposit"), ("deposit_refund", "Deposit Refund")],
                            required=True, readonly=True)
    amount = fields.Monetary(readonly=True, help="Positive in, negative out.")
    balance = fields.Monetary(string="Balance After", readonly=True)
    order_id = fields.Many2one("ep.charging.order", readonly=True, ondelete="set null")
    note = fields.Char(readonly=True)
