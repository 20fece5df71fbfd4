from datetime import timedelta

from odoo import _, api, fields, models
from odoo.addons.ep_parking.models.ep_parking_tariff import monetary_to_decimal
from odoo.exceptions import UserError

# what an order kind is invoiced as when what it pays for does not say (``_ep_invoice_amounts``)
KIND_FEES = {"temporary": "temporary", "month_card": "month_card", "coupon": "coupon",
             "charging": "charging_service", "deposit": "charging_service", "reservation": "charging_service",
             "other": "other"}


class EpParkingOrder(models.Model):
    """Transaction orders know their e-invoice: the current blue invoice (``einvoice_id``) and every
    invoice they were on; a refund red-letters the invoice (§2.3.9 5)."""

    _inherit = "ep.parking.order"

    einvoice_id = fields.Many2one("ep.einvoice.invoice", string="E-Invoice", readonly=True, copy=False,
                                  index=True, ondelete="set null")
    einvoice_ids = fields.Many2many("ep.einvoice.invoice", "ep_einvoice_invoice_order_rel", "order_id", "invoice_id",
                                    string="E-Invoices", readonly=True, copy=False)

    def _get_invoice_problem(self):
        """Why this order cannot be invoiced now (a translated sentence), or None."""
        self.ensure_one()
        if self.state != "paid":
            return _("The order %s is not paid.") % self.name
        if self.einvoice_id:
            return _("The order %(order)s is already on the invoice %(invoice)s.") % {
                "order": self.name, "invoice": self.einvoice_id.number or self.einvoice_id.name}
        rule = self.lot_id._get_einvoice_rule(raise_if_none=False)
        if not rule:
            return _("The lot %s issues no e-invoices.") % self.lot_id.name
        if not rule._accepts(self.kind):
            return _("%(kind)s orders of %(lot)s are not invoiced.") % {
                "kind": dict(self._fields["kind"]._description_selection(self.env))[self.kind],
                "lot": self.lot_id.name}
        if rule.days_limit and self.paid_at:
            limit = fields.Datetime.from_string(fields.Datetime.now()) - timedelta(days=rule.days_limit)
            if fields.Datetime.from_string(self.paid_at) < limit:
                return _("The order %(order)s was paid more than %(days)s days ago.") % {
                    "order": self.name, "days": rule.days_limit}
        return None

    def _is_invoiceable(self):
        return not self._get_invoice_problem()

    @api.multi
    def _check_invoiceable(self):
        for order in self:
            problem = order._get_invoice_problem()
            if problem:
                raise UserError(problem)

    def _get_invoice_items(self):
        """``[(fee item, Decimal amount)]`` the order is invoiced as: what it pays for may split it in
        ``_ep_invoice_amounts(order)`` (``{fee kind: amount}``, e.g. charging electricity and service),
        otherwise its whole amount is the fee of its kind."""
        self.ensure_one()
        origin = self._get_origin()
        amount = monetary_to_decimal(self.amount)
        if origin is not None and hasattr(origin, "_ep_invoice_amounts"):
            split = origin._ep_invoice_amounts(self)
        else:
            split = {KIND_FEES.get(self.kind, "other"): amount}
        if sum(split.values()) != amount:
            raise UserError(_("The order %s does not split into its amount.") % self.name)
        FeeItem = self.env["ep.einvoice.fee.item"]
        return [(FeeItem._get_for_kind(kind, self.company_id), value) for kind, value in split.items() if value]

    def _do_refund(self):
        invoices = self.mapped("einvoice_id")
        result = super()._do_refund()
        # sudo: cancelling the refunded orders' invoices is the system's follow-up of the refund
        invoices.sudo()._cancel_for_refund()
        return result
