from odoo import fields, models


class EpParkingUnplated(models.Model):
    """STUB - to be completed: unplated car visits (seed 000 §2.2.4)."""

    _name = "ep.parking.unplated"
    _description = "Unplated Car Visit"

    lot_id = fields.Many2one("ep.parking.lot", required=True, index=True, ondelete="restrict")
