from odoo import fields, models


class EpParkingVendorToken(models.TransientModel):
    _name = "ep.parking.vendor.token"
    _description = "Vendor API Token"

    vendor_id = fields.Many2one("ep.parking.vendor", required=True, readonly=True)
    token = fields.Char(readonly=True, help="Shown once: give it to the vendor now; only its hash is kept.")
