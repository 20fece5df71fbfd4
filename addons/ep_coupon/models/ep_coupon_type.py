from odoo import _, api, fields, models


class EpCouponType(models.Model):
    """A kind of coupon of a lot (seed 000 §2.4.1 3): a face value bought at a purchase price;
    variable merchants use the lot's one "release" type (放行券, §2.4.2 1 B)."""

    _name = "ep.coupon.type"
    _description = "Coupon Type"
    _order = "lot_id, face_value, id"

    name = fields.Char(required=True, translate=True)
    lot_id = fields.Many2one("ep.parking.lot", required=True, index=True, ondelete="restrict")
    region_id = fields.Many2one(related="lot_id.region_id", store=True, readonly=True)
    currency_id = fields.Many2one(related="lot_id.currency_id", readonly=True)
    kind = fields.Selection([("fixed", "Amount Off"), ("release", "Release")], required=True, default="fixed")
    face_value = fields.Monetary()
    purchase_price = fields.Monetary()
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("face_value_positive", "CHECK(kind = 'release' OR face_value > 0)",
         "A coupon type needs a positive face value."),
        ("purchase_price_positive", "CHECK(purchase_price >= 0)", "The purchase price must not be negative."),
    ]

    @api.model
    def _get_release_type(self, lot):
        release = self.search([("lot_id", "=", lot.id), ("kind", "=", "release")], limit=1)
        if not release:
            # sudo: the release type is the lot's bookkeeping, made once on the first release coupon
            release = self.sudo().create({"name": _("Release Coupon"), "lot_id": lot.id, "kind": "release"})
        return release
