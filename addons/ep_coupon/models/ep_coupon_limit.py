from decimal import Decimal

from odoo import _, api, fields, models
from odoo.addons.ep_parking.models.ep_parking_tariff import monetary_to_decimal
from odoo.exceptions import ValidationError

from ..lib.limits import period_bounds


class EpCouponLimit(models.Model):
    """A purchase or issue limit of a merchant per day, week or month (seed 000 §2.4.1 6): a count
    of coupons, or for variable merchants the total amount issued (§2.4.2 2 发放总额)."""

    _name = "ep.coupon.limit"
    _description = "Coupon Limit"
    _order = "merchant_id, kind, period"

    merchant_id = fields.Many2one("ep.coupon.merchant", required=True, index=True, ondelete="cascade")
    merchant_kind = fields.Selection(related="merchant_id.kind", readonly=True)
    lot_id = fields.Many2one(related="merchant_id.lot_id", store=True, readonly=True)
    region_id = fields.Many2one(related="merchant_id.region_id", store=True, readonly=True)
    currency_id = fields.Many2one(related="merchant_id.currency_id", readonly=True)
    kind = fields.Selection([("purchase", "Purchase"), ("issue", "Issue")], required=True, default="issue")
    period = fields.Selection([("day", "Day"), ("week", "Week"), ("month", "Month")], required=True, default="day")
    count = fields.Integer(help="Coupons per period.")
    amount = fields.Monetary(help="Variable merchants: total amount issued per period.")

    _sql_constraints = [
        ("limit_uniq", "unique(merchant_id, kind, period)", "One limit per kind and period."),
        ("count_positive", "CHECK(count >= 0 AND amount >= 0)", "Limits must not be negative."),
    ]

    @api.constrains("kind", "merchant_id")
    def _check_kind(self):
        for limit in self:
            if limit.merchant_id.kind == "variable" and limit.kind == "purchase":
                raise ValidationError(_("Variable merchants do not buy coupons: no purchase limit."))

    def _is_amount(self):
        return self.merchant_id.kind == "variable" and self.kind == "issue"

    def _get_allowed(self):
        return monetary_to_decimal(self.amount) if self._is_amount() else self.count

    def _get_used(self, at=None):
        """Coupons bought / issued (or the amount issued) in the current period."""
        self.ensure_one()
        start, end = period_bounds(self.period, fields.Datetime.from_string(at or fields.Datetime.now()))
        start, end = fields.Datetime.to_string(start), fields.Datetime.to_string(end)
        if self.kind == "purchase":
            batches = self.env["ep.coupon.batch"].search([
                ("merchant_id", "=", self.merchant_id.id), ("source", "=", "purchase"),
                ("state", "in", ("to_pay", "done")), ("create_date", ">=", start), ("create_date", "<", end)])
            return sum(batches.mapped("count"))
        coupons = self.env["ep.coupon"].search([
            ("merchant_id", "=", self.merchant_id.id), ("claimed_at", ">=", start), ("claimed_at", "<", end)])
        if self._is_amount():
            return sum((monetary_to_decimal(c.face_value) for c in coupons), Decimal("0.00"))
        return len(coupons)
