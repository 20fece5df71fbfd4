from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError


class EpCouponBatch(models.Model):
    """Coupons a merchant bought (商户购买, paid through a transaction order of kind "coupon") or
    the back office gave it (后台分配) (seed 000 §2.4.1 3-5). Its coupons become available to
    issue once the order is paid, or at once for an allocation."""

    _name = "ep.coupon.batch"
    _description = "Coupon Batch"
    _inherit = ["mail.thread"]
    _order = "create_date desc, id desc"

    name = fields.Char(required=True, readonly=True, copy=False, default="/")
    merchant_id = fields.Many2one("ep.coupon.merchant", required=True, index=True, ondelete="restrict")
    lot_id = fields.Many2one(related="merchant_id.lot_id", store=True, readonly=True)
    region_id = fields.Many2one(related="merchant_id.region_id", store=True, readonly=True)
    currency_id = fields.Many2one(related="merchant_id.currency_id", readonly=True)
    type_id = fields.Many2one("ep.coupon.type", string="Coupon Type", required=True, ondelete="restrict")
    count = fields.Integer(required=True, default=1)
    price = fields.Monetary(help="Unit purchase price.")
    amount = fields.Monetary(compute="_compute_amount", store=True)
    source = fields.Selection([("purchase", "Merchant Purchase"), ("allocation", "Back-office Allocation")],
                              required=True, default="allocation")
    state = fields.Selection([("draft", "Draft"), ("to_pay", "Waiting Payment"), ("done", "Available"),
                              ("cancelled", "Cancelled")], required=True, default="draft", copy=False,
                             index=True, track_visibility="onchange")
    order_id = fields.Many2one("ep.parking.order", readonly=True, copy=False, ondelete="set null")
    coupon_ids = fields.One2many("ep.coupon", "batch_id", string="Coupons")
    bought_count = fields.Integer(compute="_compute_counts", string="Bought")
    used_count = fields.Integer(compute="_compute_counts", string="Issued")

    _sql_constraints = [("count_positive", "CHECK(count > 0)", "A batch holds at least one coupon.")]

    @api.depends("count", "price")
    def _compute_amount(self):
        for batch in self:
            batch.amount = batch.count * batch.price

    @api.depends("coupon_ids.state")
    def _compute_counts(self):
        for batch in self:
            batch.bought_count = len(batch.coupon_ids)
            batch.used_count = len(batch.coupon_ids.filtered(lambda c: c.state != "unclaimed"))

    @api.constrains("type_id", "merchant_id")
    def _check_type(self):
        for batch in self:
            if batch.type_id.lot_id != batch.merchant_id.lot_id or batch.type_id.kind != "fixed":
                raise ValidationError(_("A batch holds amount-off coupons of the merchant's lot."))
            if batch.merchant_id.kind != "fixed":
                raise ValidationError(_("Variable merchants do not buy coupons."))

    @api.model
    def create(self, vals):
        if vals.get("name", "/") == "/":
            vals["name"] = self.env["ir.sequence"].next_by_code("ep.coupon.batch") or "/"
        if "price" not in vals and vals.get("type_id"):
            vals["price"] = self.env["ep.coupon.type"].browse(vals["type_id"]).purchase_price
        return super().create(vals)

    @api.multi
    def action_confirm(self, channel=None):
        """An allocation makes its coupons now; a purchase checks the purchase limit and waits for its order."""
        for batch in self:
            if batch.state != "draft":
                raise UserError(_("Only a draft batch can be confirmed (%s).") % batch.name)
            batch.merchant_id._check_active()
            if batch.source == "purchase" and not channel:
                raise UserError(_("Choose how the merchant pays."))
        for batch in self:
            batch.merchant_id._lock()
            batch.merchant_id._check_limits("purchase", batch.count)
            if batch.source == "allocation":
                batch._make_coupons()
                continue
            # sudo: the order is the payment system's record; lot staff and merchants do not write orders
            order = self.env["ep.parking.order"].sudo().create({
                "kind": "coupon", "lot_id": batch.lot_id.id, "channel_id": channel.id, "amount": batch.amount,
                "res_model": self._name, "res_id": batch.id, "note": batch.name})
            batch.write({"state": "to_pay", "order_id": order.id})
        return True

    def _make_coupons(self):
        self.ensure_one()
        Coupon = self.env["ep.coupon"]
        for _index in range(self.count):
            Coupon.create({"batch_id": self.id, "merchant_id": self.merchant_id.id, "type_id": self.type_id.id,
                           "face_value": self.type_id.face_value})
        self.state = "done"

    def _ep_order_paid(self, order):
        """The purchase order was paid: the coupons become available."""
        self.ensure_one()
        if self.state == "to_pay":
            self._make_coupons()

    def _ep_check_order_payment(self, channel):
        if not channel._accepts_kind("coupon"):
            raise UserError(_("%s cannot pay coupon purchases.") % channel.name)
