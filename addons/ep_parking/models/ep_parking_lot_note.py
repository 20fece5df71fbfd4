from odoo import fields, models


class EpParkingLotNote(models.Model):
    """STUB - to be completed: lot notes (seed 000 §2.1.3 停车场备注)."""

    _name = "ep.parking.lot.note"
    _description = "Lot Note"

    lot_id = fields.Many2one("ep.parking.lot", required=True, index=True, ondelete="cascade")
    body = fields.Text(required=True)
