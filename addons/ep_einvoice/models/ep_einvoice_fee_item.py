from decimal import Decimal

from odoo import _, api, fields, models
from odoo.exceptions import UserError

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

    @api.model
    def _get_for_kind(self, kind, company=None):
        """The active fee item of ``kind`` in ``company``; UserError when finance has not set one."""
        company = company or self.env.user.company_id
        # sudo: whoever invoices an order reads the fee items; only finance edits them
        item = self.sudo().search([("kind", "=", kind), ("company_id", "=", company.id)], limit=1)
        if not item:
            raise UserError(_("No invoice fee item for %s: add one under E-Invoices > Fee Items.")
                            % dict(FEE_KINDS).get(kind, kind))
        return item

    def _get_rate(self):
        """The category's rate in percent as a Decimal (5, 6, 1.5)."""
        self.ensure_one()
        return Decimal("%g" % self.category_id.rate)
