from odoo import _, api, models
from odoo.exceptions import UserError


class EpParkingOrder(models.Model):
    """Month-card payment restrictions (seed 000 §2.3.8 B c, d): the card's rule must be active,
    take the order's channel and not be past its purchase deadline; a card may refuse online
    renewal."""

    _inherit = "ep.parking.order"

    @api.model
    def _check_payment_restrictions(self, vals):
        super()._check_payment_restrictions(vals)
        if vals.get("res_model") != "ep.monthcard" or not vals.get("res_id"):
            return
        card = self.env["ep.monthcard"].browse(vals["res_id"]).exists()
        if not card:
            raise UserError(_("The month card of this order does not exist."))
        channel = self.env["ep.parking.payment.method"].browse(vals.get("channel_id"))
        if channel.online and not card.allow_online_renewal:
            raise UserError(_("The month card %(plate)s cannot be renewed online; please renew at the lot.")
                            % {"plate": card.plate})
        if card.rule_id:
            card.rule_id._check_payable(card, channel)
