import os
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.addons.ep_parking.lib.plate import normalize_plate
from odoo.exceptions import UserError

CLAIM_KINDS = [("merchant_issue", "Merchant Issue"), ("user_scan", "User Scan"), ("campaign_scan", "Campaign Scan")]


class EpCoupon(models.Model):
    """One parking coupon (seed 000 §2.4.1 4 优惠列表): unclaimed (still the merchant's), claimed
    (given to a car), used, or expired when not used within the merchant's hours."""

    _name = "ep.coupon"
    _description = "Parking Coupon"
    _order = "id desc"

    name = fields.Char(required=True, readonly=True, copy=False, default=lambda self: os.urandom(6).hex().upper())
    batch_id = fields.Many2one("ep.coupon.batch", index=True, ondelete="cascade", readonly=True)
    merchant_id = fields.Many2one("ep.coupon.merchant", required=True, index=True, ondelete="restrict")
    merchant_kind = fields.Selection(related="merchant_id.kind", readonly=True)
    lot_id = fields.Many2one(related="merchant_id.lot_id", store=True, readonly=True)
    region_id = fields.Many2one(related="merchant_id.region_id", store=True, readonly=True)
    currency_id = fields.Many2one(related="merchant_id.currency_id", readonly=True)
    type_id = fields.Many2one("ep.coupon.type", string="Coupon Type", required=True, ondelete="restrict")
    face_value = fields.Monetary(help="Variable coupons: the amount issued (counted against the limits).")
    amount_applied = fields.Monetary(readonly=True,
                                     help="Covered when issued (lots without pre-exit, §2.4.3).")
    plate = fields.Char(index=True, readonly=True)
    phone = fields.Char(readonly=True)
    state = fields.Selection([("unclaimed", "Unclaimed"), ("claimed", "Claimed"), ("used", "Used"),
                              ("expired", "Expired")], required=True, default="unclaimed", copy=False, index=True)
    claim_kind = fields.Selection(CLAIM_KINDS, readonly=True)
    campaign_id = fields.Many2one("ep.coupon.campaign", readonly=True, ondelete="set null")
    claimed_at = fields.Datetime(readonly=True, index=True)
    expires_at = fields.Datetime(readonly=True, index=True)
    used_at = fields.Datetime(readonly=True)
    used_order_id = fields.Many2one("ep.parking.order", string="Used on Order", readonly=True, ondelete="set null")
    entry_passage_id = fields.Many2one("ep.parking.passage", string="Entry Record", readonly=True, ondelete="set null")

    _sql_constraints = [("name_uniq", "unique(name)", "Coupon codes are unique.")]

    @api.model
    def _prepare_claim_vals(self, plate, now, amount_applied, merchant=None):
        merchant = merchant or self.merchant_id
        expires = fields.Datetime.from_string(now) + timedelta(hours=merchant.expiry_hours)
        return {"plate": normalize_plate(plate), "state": "claimed", "claimed_at": now,
                "expires_at": fields.Datetime.to_string(expires), "amount_applied": float(amount_applied)}

    def _ep_fee_line_used(self, order, amounts):
        """The fee query applied these coupons and the car paid (``order``) or left: used."""
        self._mark_used(order)

    @api.multi
    def _mark_used(self, order=None):
        # sudo: coupons are consumed by the payment or the exit of the car, whoever triggers it
        self.sudo().filtered(lambda c: c.state == "claimed").write({
            "state": "used", "used_at": fields.Datetime.now(), "used_order_id": order.id if order else False})

    @api.multi
    def unlink(self):
        if self.filtered(lambda c: c.state in ("claimed", "used")):
            raise UserError(_("Claimed or used coupons cannot be deleted."))
        return super().unlink()

    @api.model
    def _cron_expire(self):
        """Claimed coupons not used within the merchant's hours expire (§2.4.1 1 领券后失效时间)."""
        expired = self.search([("state", "=", "claimed"), ("expires_at", "<", fields.Datetime.now())])
        expired.write({"state": "expired"})
        return expired
