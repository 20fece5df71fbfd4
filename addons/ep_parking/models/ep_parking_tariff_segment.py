from odoo import fields, models


class EpParkingTariffSegment(models.Model):
    _name = "ep.parking.tariff.segment"
    _description = "Tariff Time Segment"
    _order = "tariff_id, start"

    tariff_id = fields.Many2one("ep.parking.tariff", required=True, ondelete="cascade", index=True)
    currency_id = fields.Many2one(related="tariff_id.currency_id", readonly=True)
    start = fields.Char(required=True, help="HH:MM")
    end = fields.Char(required=True, help="HH:MM; 24:00 or the start of the next segment.")
    amount = fields.Monetary(required=True)

