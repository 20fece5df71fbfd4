from odoo import api, fields, models


class EpChargingStationDocumentMixin(models.AbstractModel):
    """A numbered record of a charging station (orders, reservations, reductions): its number from the
    sequence coded like the model, and the station's lot, region (record rules) and currency."""

    _name = "ep.charging.station.document.mixin"
    _description = "Charging Station Document"

    name = fields.Char(string="Order Number", required=True, readonly=True, copy=False, default="/")
    station_id = fields.Many2one("ep.charging.station", required=True, readonly=True, index=True,
                                 ondelete="restrict")
    lot_id = fields.Many2one(related="station_id.lot_id", store=True, readonly=True)
    region_id = fields.Many2one(related="station_id.region_id", store=True, readonly=True)
    currency_id = fields.Many2one(related="station_id.currency_id", readonly=True)

    @api.model
    def create(self, vals):
        if vals.get("name", "/") == "/":
            vals = dict(vals, name=self.env["ir.sequence"].next_by_code(self._name) or "/")
        return super().create(vals)
