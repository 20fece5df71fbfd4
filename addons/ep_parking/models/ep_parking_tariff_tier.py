from odoo import fields, models


class EpParkingTariffTier(models.Model):
    _name = "ep.parking.tariff.tier"
    _description = "Tariff Tier"
    _order = "tariff_id, up_to_minutes"

    tariff_id = fields.Many2one("ep.parking.tariff", required=True, ondelete="cascade", index=True)
    currency_id = fields.Many2one(related="tariff_id.currency_id", readonly=True)
    up_to_minutes = fields.Integer(required=True, string="Up to (minutes)")
    amount = fields.Monetary(required=True)
