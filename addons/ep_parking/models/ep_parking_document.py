from odoo import fields, models


class EpParkingDocument(models.Model):
    """STUB - to be completed: lot documents (seed 000 §2.1.5)."""

    _name = "ep.parking.document"
    _description = "Lot Document"

    name = fields.Char(required=True)
    lot_id = fields.Many2one("ep.parking.lot", required=True, index=True, ondelete="cascade")
    doc_type = fields.Selection(
        [("ep_contract", "EP Contract"), ("merchant_contract", "Merchant Contract"),
         ("acceptance", "Acceptance Form"), ("other", "Other")], required=True, default="ep_contract")
    state = fields.Selection(
        [("active", "Active"), ("expired", "Expired"), ("renewed", "Renewed"), ("void", "Void")],
        required=True, default="active")
