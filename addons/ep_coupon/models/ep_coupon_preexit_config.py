from odoo import api, fields, models


class EpCouponPreexitConfig(models.Model):
    """Whether a lot applies coupons at pre-exit (预出场, seed 000 §2.4.3); off by default."""

    _name = "ep.coupon.preexit.config"
    _description = "Coupon Pre-exit Configuration"
    _rec_name = "lot_id"

    lot_id = fields.Many2one("ep.parking.lot", required=True, index=True, ondelete="cascade")
    region_id = fields.Many2one(related="lot_id.region_id", store=True, readonly=True)
    enabled = fields.Boolean(default=True)

    _sql_constraints = [("lot_uniq", "unique(lot_id)", "One pre-exit configuration per lot.")]

    @api.model
    def _is_enabled(self, lot):
        return bool(self.search([("lot_id", "=", lot.id), ("enabled", "=", True)], limit=1))
