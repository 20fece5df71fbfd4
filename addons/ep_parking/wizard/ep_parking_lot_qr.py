from odoo import api, models


class EpParkingLotQr(models.TransientModel):
    """STUB - to be completed: the QR materials of a lot."""

    _name = "ep.parking.lot.qr"
    _description = "Lot QR Materials"

    @api.model
    def _action_open(self, lot):
        return True
