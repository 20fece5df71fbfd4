from decimal import Decimal

from odoo import api, fields, models
from odoo.addons.ep_parking.models.ep_parking_order import FeeQueryError


class EpParkingOrder(models.Model):
    """The parking fee query applies the car's charging reductions (减免, seed 004 §5.2); paying the
    order, or leaving with nothing to pay, writes them off."""

    _inherit = "ep.parking.order"

    charging_reduction_ids = fields.Many2many("ep.charging.reduction", "ep_charging_reduction_order_rel",
                                              "order_id", "reduction_id", readonly=True,
                                              string="Charging Reductions")

    @api.model
    def _get_fee_coupons(self, lot, plate, entry, fee):
        result = super()._get_fee_coupons(lot, plate, entry, fee)
        left = Decimal(fee) - sum((line["amount"] for line in result), Decimal("0.00"))
        # sudo: whoever asks the fee (vendor, driver) sees what the car's reductions cover
        for reduction in self.env["ep.charging.reduction"].sudo()._open_for(lot, plate):
            amount = reduction._cover(left)
            if amount <= 0:
                break
            result.append({"name": reduction.content, "amount": amount, "reduction_id": reduction.id})
            left -= amount
        return result

    @api.model
    def _prepare_temporary_order_vals(self, lot, quote, channel, gate=None, partner=None):
        vals = super()._prepare_temporary_order_vals(lot, quote, channel, gate, partner)
        ids = [line["reduction_id"] for line in quote["coupons"] if line.get("reduction_id")]
        if ids:
            vals["charging_reduction_ids"] = [(6, 0, ids)]
        return vals

    def _on_paid(self):
        result = super()._on_paid()
        if self.kind == "temporary" and self.charging_reduction_ids:
            self.charging_reduction_ids._write_off(self)
        return result

    @api.model
    def _on_exit(self, exit_passage):
        orders = super()._on_exit(exit_passage)
        entry = exit_passage.entry_id
        if entry and exit_passage.direction == "out":
            try:
                quote = self._get_fee_quote(exit_passage.lot_id, entry.plate, exit_passage.passage_time, entry)
            except FeeQueryError:
                return orders
            lines = {line["reduction_id"]: line["amount"] for line in quote["coupons"] if line.get("reduction_id")}
            if lines and (quote["amount_due"] <= 0 or exit_passage.amount_paid):
                self.env["ep.charging.reduction"].browse(list(lines))._write_off(amounts=lines)
        return orders
