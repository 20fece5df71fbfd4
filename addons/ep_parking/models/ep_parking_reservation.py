from odoo import fields, models


class EpParkingReservation(models.Model):
    """STUB - to be completed: free reservations (seed 000 §2.2.6)."""

    _name = "ep.parking.reservation"
    _description = "Free Entry Reservation"
    _inherit = ["ep.parking.plate.mixin"]

    lot_id = fields.Many2one("ep.parking.lot", required=True, index=True, ondelete="restrict")
