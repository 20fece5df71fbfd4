import json
from decimal import Decimal

from odoo import api, fields, models


class EpParkingOrder(models.Model):
    """The parking fee query applies the car's charging reductions (减免, seed 004 §5.2); paying the
    order, or leaving with nothing to pay, writes them off (``ep.charging.reduction._ep_fee_line_used``)."""

    _inherit = "ep.parking.order"

    charging_reduction_ids = fields.Many2many("ep.charging.reduction", compute="_compute_charging_reduction_ids",
                                              string="Charging Reductions")

    @api.depends("fee_line_refs")
    def _compute_charging_reduction_ids(self):
        for order in self:
            refs = json.loads(order.fee_line_refs or "[]")
            order.charging_reduction_ids = [(6, 0, [record_id for model, record_id, _amount in refs
                                                    if model == "ep.charging.reduction"])]

    @api.model
    def _get_fee_coupons(self, lot, plate, entry, fee):
        result = super()._get_fee_coupons(lot, plate, entry, fee)
        left = Decimal(fee) - sum((line["amount"] for line in result), Decimal("0.00"))
        # sudo: whoever asks the fee (vendor, driver) sees what the car's reductions cover
        for reduction in self.env["ep.charging.reduction"].sudo()._open_for(lot, plate):
            amount = reduction._cover(left)
            if amount <= 0:
                break
            result.append({"name": reduction.content, "amount": amount, "res_model": reduction._name,
                           "res_id": reduction.id})
            left -= amount
        return result
