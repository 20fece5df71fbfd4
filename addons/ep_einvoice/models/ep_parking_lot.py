from odoo import _, models
from odoo.exceptions import UserError


class EpParkingLot(models.Model):
    _inherit = "ep.parking.lot"

    def _get_einvoice_rule(self, raise_if_none=True):
        """The active invoicing rules of these lots (one per lot)."""
        # sudo: whoever invoices an order (owner, lot staff) needs its lot's rule, not the right to edit it
        rules = self.env["ep.einvoice.rule"].sudo().search([("lot_id", "in", self.ids)])
        if raise_if_none and len(rules) < len(self):
            missing = self - rules.mapped("lot_id")
            raise UserError(_("The lot %s issues no e-invoices: set its invoicing rule.") % missing[0].name)
        return rules
