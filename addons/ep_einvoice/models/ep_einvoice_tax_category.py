import re

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class EpEinvoiceTaxCategory(models.Model):
    """A tax classification (税收分类, seed 000 §2.3.9 1 B): the national code, its 19-digit merged
    code, short name, name, rate and preferential policy; each has its Odoo sales tax (price
    included, as invoices to drivers state 价税合计)."""

    _name = "ep.einvoice.tax.category"
    _description = "Tax Category"
    _order = "code"

    code = fields.Char(required=True)
    merged_code = fields.Char(required=True, help="The 19-digit code printed on invoices.")
    short_name = fields.Char(required=True)
    name = fields.Char(required=True)
    rate = fields.Float(string="Rate (%)", digits=(5, 2), required=True)
    policy = fields.Char(string="Preferential Policy")
    tax_id = fields.Many2one("account.tax", string="Sales Tax", ondelete="restrict",
                             help="Made with the category when left empty.")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.user.company_id)

    _sql_constraints = [("code_uniq", "unique(company_id, code)", "One tax category per code.")]

    @api.constrains("code", "merged_code", "rate")
    def _check_codes(self):
        for category in self:
            code, merged = category.code or "", category.merged_code or ""
            if not re.match(r"^\d{1,19}$", code) or not re.match(r"^\d{19}$", merged):
                raise ValidationError(_("A tax category code is digits; its merged code has 19 digits."))
            if not category.merged_code.startswith(category.code):
                raise ValidationError(_("The merged code %(merged)s does not start with the code %(code)s.")
                                      % {"merged": category.merged_code, "code": category.code})
            if not 0 <= category.rate < 100:
                raise ValidationError(_("A tax rate is a percentage from 0 to 100."))

    @api.model
    def create(self, vals):
        category = super().create(vals)
        if not category.tax_id:
            category.tax_id = category._create_tax()
        return category

    def _create_tax(self):
        self.ensure_one()
        account = self._get_tax_account()
        # sudo: the category's tax is accounting configuration, made once with the category
        return self.env["account.tax"].sudo().create({
            "name": "%s %s%%" % (self.short_name, ("%g" % self.rate)), "amount_type": "percent",
            "amount": self.rate, "type_tax_use": "sale", "price_include": True, "company_id": self.company_id.id,
            "description": self.merged_code, "account_id": account.id, "refund_account_id": account.id})

    def _get_tax_account(self):
        """Output VAT payable (应交税费—应交增值税) of the category's company, made on first use."""
        # sudo: see _create_tax
        Account = self.env["account.account"].sudo()
        account = Account.search([("code", "=", "EP2221"), ("company_id", "=", self.company_id.id)], limit=1)
        return account or Account.create({
            "code": "EP2221", "name": _("Output VAT Payable"), "company_id": self.company_id.id,
            "user_type_id": self.env.ref("account.data_account_type_current_liabilities").id})

    @api.multi
    def name_get(self):
        return [(category.id, "%s *%s* %s" % (category.code, category.short_name, category.name)) for category in self]

    def _get_sale_tax(self):
        """The category's tax, with its VAT account (a tax made before it had one gets it now)."""
        self.ensure_one()
        if self.tax_id and not self.tax_id.account_id:
            account = self._get_tax_account()
            # sudo: see _create_tax
            self.tax_id.sudo().write({"account_id": account.id, "refund_account_id": account.id})
        return self.tax_id
