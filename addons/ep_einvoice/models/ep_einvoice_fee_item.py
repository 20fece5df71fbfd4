from odoo import fields, models

FEE_KINDS = [
    ("temporary", "Temporary Parking"),
    ("month_card", "Month Card"),
    ("coupon", "Coupon Purchase"),
    ("property", "Property Fee"),
    ("charging_electricity", "Charging Electricity"),
    ("charging_service", "Charging Service"),
    ("other", "Other"),
]


class EpEinvoiceFeeItem(models.Model):
    """An invoice fee item (发票费用, seed 000 §2.3.9 2): what an order's amount is invoiced as, with
    its tax category."""

    _name = "ep.einvoice.fee.item"
    _description = "Invoice Fee Item"
    _order = "kind, name"

    name = fields.Char(required=True, help="As printed on the invoice line.")
    kind = fields.Selection(FEE_KINDS, string="Fee", required=True)
    category_id = fields.Many2one("ep.einvoice.tax.category", string="Tax Category", required=True,
                                  ondelete="restrict")
    rate = fields.Float(related="category_id.rate", readonly=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.user.company_id)
    active = fields.Boolean(default=True)

    _sql_constraints = [("kind_uniq", "unique(company_id, kind, active)", "One active fee item per fee.")]
