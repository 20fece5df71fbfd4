import json
from decimal import Decimal

from odoo import api, fields, models
from odoo.addons.ep_parking.models.ep_parking_tariff import monetary_to_decimal

from ..lib.coupon import apply_coupons, release_due


class EpParkingOrder(models.Model):
    """The fee query lists and applies the car's claimed coupons (seed 000 §2.4.3); a paid order
    or an exit with nothing left to pay uses them."""

    _inherit = "ep.parking.order"

    coupon_ids = fields.Many2many("ep.coupon", compute="_compute_coupon_ids", string="Coupons Applied")

    @api.depends("fee_line_refs")
    def _compute_coupon_ids(self):
        for order in self:
            refs = json.loads(order.fee_line_refs or "[]")
            order.coupon_ids = [(6, 0, [record_id for model, record_id, _amount in refs if model == "ep.coupon"])]

    @api.model
    def _get_fee_coupons(self, lot, plate, entry, fee):
        result = super()._get_fee_coupons(lot, plate, entry, fee)
        left = Decimal(fee) - sum((c["amount"] for c in result), Decimal("0.00"))
        if left < 0:
            left = Decimal("0.00")
        now = fields.Datetime.from_string(fields.Datetime.now())
        # sudo: whoever asks the fee (vendor, driver) sees what the car's coupons cover, not the coupons
        coupons = self.env["ep.coupon"].sudo().search([
            ("lot_id", "=", lot.id), ("plate", "=", plate), ("state", "=", "claimed"),
            ("expires_at", ">=", fields.Datetime.now())], order="claimed_at, id")
        preexit = self.env["ep.coupon.preexit.config"].sudo()._is_enabled(lot)
        for merchant in coupons.mapped("merchant_id"):
            mine = coupons.filtered(lambda c, m=merchant: c.merchant_id == m)
            for coupon, amount in self._apply_merchant_coupons(merchant, mine, left, preexit, now):
                result.append({"name": "%s %s" % (merchant.name, coupon.type_id.name), "amount": amount,
                               "coupon_id": coupon.id, "res_model": "ep.coupon", "res_id": coupon.id})
                left -= amount
        return result

    @api.model
    def _apply_merchant_coupons(self, merchant, coupons, fee, preexit, now):
        """``[(coupon, amount covered)]`` for one merchant's claimed coupons, by the §2.4.3 table."""
        cap = monetary_to_decimal(merchant.max_face_value) or None
        if preexit:
            if merchant.kind == "variable":
                shapes = [{"max_face_value": cap} for _coupon in coupons]
            else:
                shapes = [{"face_value": monetary_to_decimal(c.face_value)} for c in coupons]
            applied = apply_coupons(fee, shapes, merchant.kind, True)
            return self._split_applied(coupons, shapes, applied, merchant.kind)
        lines = []
        for coupon in coupons:  # 发券时用券: each coupon covers what it covered when issued
            issued = monetary_to_decimal(coupon.amount_applied)
            if merchant.kind == "variable":
                window = not release_due(fields.Datetime.from_string(coupon.claimed_at), now)
                shape = {"max_face_value": cap if window else issued}  # late: only what it covered when issued
                if not window and not issued:
                    continue
                applied = apply_coupons(fee, [shape], "variable", False)
            else:
                if not issued:
                    lines.append((coupon, Decimal("0.00")))
                    continue
                applied = apply_coupons(fee, [{"face_value": issued}], "fixed", False)
            lines.append((coupon, applied.amount_covered))
            fee = applied.remaining_fee
        return lines

    @api.model
    def _split_applied(self, coupons, shapes, applied, kind):
        lines = []
        left = applied.amount_covered
        for coupon, shape in zip(coupons, shapes, strict=True):
            if not any(shape is used for used in applied.used):
                continue
            value = left if kind == "variable" else min(left, shape["face_value"])
            lines.append((coupon, value))
            left -= value
        return lines
