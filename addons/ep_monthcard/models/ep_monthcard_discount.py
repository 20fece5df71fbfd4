from datetime import datetime

from odoo import _, api, fields, models
from odoo.addons.ep_parking.models.ep_parking_tariff import monetary_to_decimal
from odoo.exceptions import UserError, ValidationError

DISCOUNT_MODES = [("fixed_price", "Fixed Price"), ("fixed_reduction", "Fixed Reduction")]
# The terms of an offer: once approved they no longer change (disable it and add another).
OFFER_FIELDS = ("lot_ids", "rule_ids", "mode", "amount", "min_months", "discount_start", "buy_start", "buy_end",
                "monthly_limit")


class EpMonthcardDiscount(models.Model):
    """A month-card discount offer (月卡折扣, seed 000 §2.3.6 B).

    Lots run offers to encourage owners to pay ahead: a fixed monthly price (一口价) or a fixed
    reduction per order (固定优惠), for purchases of at least so many months made in the
    purchase window, counting only months after the discount start, a few times a month per
    card at most. An offer must be approved (ep.approval.mixin) and be active to apply; it can
    be disabled at once in an emergency. Pricing is ``lib/billing.discount_quote``.
    """

    _name = "ep.monthcard.discount"
    _description = "Month Card Discount"
    _inherit = ["ep.approval.mixin"]
    _order = "buy_start desc, id desc"

    name = fields.Char(required=True, track_visibility="onchange")
    active = fields.Boolean(default=True, track_visibility="onchange",
                            help="活动状态: disable the offer at once (it no longer applies).")
    lot_ids = fields.Many2many("ep.parking.lot", string="Lots", required=True,
                               help="The lots running the offer.")
    rule_ids = fields.Many2many("ep.monthcard.rule", string="Rules",
                                help="The month-card rules of those lots the offer applies to; none: all of them.")
    currency_id = fields.Many2one("res.currency", default=lambda self: self.env.user.company_id.currency_id,
                                  readonly=True)
    mode = fields.Selection(DISCOUNT_MODES, required=True, default="fixed_price", track_visibility="onchange",
                            help="Fixed price: each month of the offer costs the amount per space. Fixed reduction: "
                                 "the order is reduced once by the amount.")
    amount = fields.Monetary(required=True, track_visibility="onchange",
                             help="The monthly price per space (fixed price) or the reduction of the order.")
    min_months = fields.Integer(string="Minimum Months", required=True, default=1, track_visibility="onchange",
                                help="缴纳月数: months after the discount start a purchase must contain.")
    discount_start = fields.Date(track_visibility="onchange",
                                 help="优惠开始时间: only months starting on or after it get the offer.")
    buy_start = fields.Date(string="Purchase From", track_visibility="onchange",
                            help="购买开始时间: the first day of the offer.")
    buy_end = fields.Date(string="Purchase Until", track_visibility="onchange",
                          help="购买结束时间: the last day of the offer (included).")
    monthly_limit = fields.Integer(track_visibility="onchange",
                                   help="每月限购次数: discounted purchases per card and calendar month; 0: no limit.")
    note = fields.Text(string="Description", help="优惠说明: what owners are told about the offer.")
    renewal_ids = fields.One2many("ep.monthcard.renewal", "discount_id", string="Renewals", readonly=True)
    renewal_count = fields.Integer(compute="_compute_renewal_count")

    def _compute_renewal_count(self):
        counts = dict((row["discount_id"][0], row["discount_id_count"]) for row in self.env[
            "ep.monthcard.renewal"].read_group([("discount_id", "in", self.ids)], ["discount_id"], ["discount_id"]))
        for discount in self:
            discount.renewal_count = counts.get(discount.id, 0)

    # ------------------------------------------------------------ checks
    @api.constrains("amount", "min_months", "monthly_limit", "buy_start", "buy_end")
    def _check_terms(self):
        # sudo: the terms are checked whoever writes them; the record rules check access right after.
        for discount in self.sudo():
            if discount.amount < 0:
                raise ValidationError(_("The amount of the discount %(name)s cannot be negative.")
                                      % {"name": discount.name})
            if discount.min_months < 1:
                raise ValidationError(_("The discount %(name)s needs at least one month.") % {"name": discount.name})
            if discount.monthly_limit < 0:
                raise ValidationError(_("The monthly limit of %(name)s cannot be negative.") % {"name": discount.name})
            if discount.buy_start and discount.buy_end and discount.buy_end < discount.buy_start:
                raise ValidationError(_("The purchase window of %(name)s ends before it starts.")
                                      % {"name": discount.name})

    @api.constrains("lot_ids", "rule_ids")
    def _check_rules(self):
        # sudo: as in _check_terms.
        for discount in self.sudo():
            strangers = discount.rule_ids.filtered(lambda r, lots=discount.lot_ids: r.lot_id not in lots)
            if strangers:
                raise ValidationError(_("The rule %(rule)s is not a rule of the discount's lots.")
                                      % {"rule": strangers[0].display_name})

    @api.onchange("lot_ids")
    def _onchange_lot_ids(self):
        self.rule_ids = self.rule_ids.filtered(lambda r: r.lot_id in self.lot_ids)

    @api.multi
    def write(self, vals):
        if set(vals) & set(OFFER_FIELDS) and self.filtered(lambda d: d.approval_state == "approved"):
            raise UserError(_("An approved discount cannot be changed: disable it and add a new one."))
        return super().write(vals)

    def _check_submit(self):
        if not self.lot_ids:
            raise UserError(_("Choose the lots of the discount %(name)s.") % {"name": self.name})
        return super()._check_submit()

    # ------------------------------------------------------------ pricing
    def _to_billing(self):
        """The offer as lib/billing.discount_quote takes it."""
        self.ensure_one()
        return {
            "mode": self.mode, "amount": monetary_to_decimal(self.amount), "min_months": self.min_months,
            "discount_start": fields.Date.from_string(self.discount_start) if self.discount_start else None,
            "buy_start": fields.Date.from_string(self.buy_start) if self.buy_start else None,
            "buy_end": fields.Date.from_string(self.buy_end) if self.buy_end else None,
            "monthly_limit": self.monthly_limit or None, "active": bool(self.active),
        }

    def _applies_to(self, card):
        """Whether this offer may price ``card`` (approved, active, its lot and rule)."""
        self.ensure_one()
        return (self.approval_state == "approved" and self.active and card.lot_id in self.lot_ids
                and (not self.rule_ids or card.rule_id in self.rule_ids))

    @api.model
    def _get_candidates(self, card):
        """The approved, active offers of ``card``'s lot and rule."""
        # sudo: the offers of a lot price every renewal, whoever renews (owners online, finance).
        offers = self.sudo().search([("approval_state", "=", "approved"), ("lot_ids", "in", card.lot_id.ids)])
        return self.browse(offers.filtered(lambda d: d._applies_to(card)).ids)

    @api.model
    def _get_used_this_month(self, card, purchase_date):
        """Discounted done renewals of ``card`` whose purchase falls in ``purchase_date``'s month."""
        first = datetime(purchase_date.year, purchase_date.month, 1)
        nxt = datetime(first.year + first.month // 12, first.month % 12 + 1, 1)
        Renewal = self.env["ep.monthcard.renewal"]
        # sudo: counting the card's earlier purchases (the count only, whoever renews).
        return Renewal.sudo().search_count([
            ("card_id", "=", card.id), ("state", "=", "done"), ("discounted", "=", True),
            ("purchase_date", ">=", Renewal._to_utc_string(first)),
            ("purchase_date", "<", Renewal._to_utc_string(nxt))])

    # ------------------------------------------------------------ actions
    @api.multi
    def action_view_renewals(self):
        self.ensure_one()
        action = self.env.ref("ep_monthcard.ep_monthcard_renewal_action").read()[0]
        action["domain"] = [("discount_id", "=", self.id)]
        action["context"] = {}
        return action
