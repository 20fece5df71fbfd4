from odoo import fields, models


class EpParkingListEntry(models.Model):
    """STUB - to be completed: black/white list entries (seed 000 §2.2.5)."""

    _name = "ep.parking.list.entry"
    _description = "Black/White List Entry"
    _inherit = ["ep.parking.plate.mixin"]

    lot_id = fields.Many2one("ep.parking.lot", required=True, index=True, ondelete="restrict")
