from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib.taxid import is_valid_tax_id, normalize_tax_id


class EpEinvoiceTaxpayer(models.Model):
    """A selling taxpayer (纳税人, seed 000 §2.3.9 3): the property company whose invoices a lot's
    orders get, with what an invoice prints about it."""

    _name = "ep.einvoice.taxpayer"
    _description = "Taxpayer"
    _order = "name"

    name = fields.Char(required=True)
    tax_number = fields.Char(required=True, help="纳税人识别号: the 18-character credit code (or a legacy number).")
    address = fields.Char()
    phone = fields.Char()
    bank = fields.Char()
    bank_account = fields.Char()
    issuer = fields.Char(string="Issued By", help="The clerk printed on the invoices (开票人).")
    reviewer = fields.Char(help="复核人")
    payee = fields.Char(help="收款人")
    lot_ids = fields.Many2many("ep.parking.lot", string="Lots", help="The lots whose orders this taxpayer invoices.")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.user.company_id)
    active = fields.Boolean(default=True)

    _sql_constraints = [("tax_number_uniq", "unique(company_id, tax_number)", "One taxpayer per tax number.")]

    @api.model
    def create(self, vals):
        if vals.get("tax_number"):
            vals = dict(vals, tax_number=normalize_tax_id(vals["tax_number"]))
        return super().create(vals)

    @api.multi
    def write(self, vals):
        if vals.get("tax_number"):
            vals = dict(vals, tax_number=normalize_tax_id(vals["tax_number"]))
        return super().write(vals)

    @api.constrains("tax_number")
    def _check_tax_number(self):
        for taxpayer in self:
            if not is_valid_tax_id(taxpayer.tax_number):
                raise ValidationError(_("%s is not a valid taxpayer identification number.") % taxpayer.tax_number)
