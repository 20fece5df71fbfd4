from odoo import api, fields, models

from ..models.ep_einvoice_invoice import BUYER_FIELDS, INVOICE_TYPES


class EpEinvoiceIssueWizard(models.TransientModel):
    """Staff invoice the selected paid orders (§2.3.9 5) for one buyer; one invoice per lot."""

    _name = "ep.einvoice.issue.wizard"
    _description = "Issue E-Invoice"

    order_ids = fields.Many2many("ep.parking.order", string="Orders", required=True,
                                 default=lambda self: self._default_orders())
    invoice_type = fields.Selection(INVOICE_TYPES, string="Type", required=True, default="02")
    buyer_personal = fields.Boolean(string="Personal Buyer", default=True)
    buyer_name = fields.Char(string="Title", required=True, default=lambda self: self._default_orders()
                             .mapped("partner_id")[:1].name)
    buyer_tax_number = fields.Char(string="Tax Number")
    buyer_address = fields.Char(string="Address")
    buyer_phone = fields.Char(string="Phone")
    buyer_bank = fields.Char(string="Bank")
    buyer_bank_account = fields.Char(string="Bank Account")
    buyer_email = fields.Char(string="Email", default=lambda self: self._default_orders()
                              .mapped("partner_id")[:1].email)

    @api.model
    def _default_orders(self):
        if self.env.context.get("active_model") == "ep.parking.order":
            return self.env["ep.parking.order"].browse(self.env.context.get("active_ids") or [])
        return self.env["ep.parking.order"]

    def _get_buyer(self):
        return {key: self["buyer_%s" % key] for key in BUYER_FIELDS}

    @api.multi
    def action_issue(self):
        self.ensure_one()
        invoices = self.env["ep.einvoice.invoice"]._create_from_orders(
            self.order_ids, self._get_buyer(), invoice_type=self.invoice_type)
        action = self.env.ref("ep_einvoice.ep_einvoice_invoice_action").read()[0]
        if len(invoices) == 1:
            action.update(view_mode="form", res_id=invoices.id, views=[(False, "form")])
        else:
            action["domain"] = [("id", "in", invoices.ids)]
        return action
