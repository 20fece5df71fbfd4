from odoo import _, api, fields, models
from odoo.addons.ep_parking.models.ep_parking_tariff import monetary_to_decimal
from odoo.exceptions import UserError, ValidationError

MAX_VOUCHER_BYTES = 5 * 1024 * 1024
# §2.3.6 B 其他方式线下缴费: how the owner paid (the voucher shows it).
PAYMENT_KINDS = [
    ("cash", "Cash"),
    ("card", "Bank Card"),
    ("transfer", "Bank Transfer"),
    ("cheque", "Cheque"),
    ("debit", "Debit Order"),
    ("other", "Other"),
]
DRAFT_ONLY = {"draft": [("readonly", False)]}


class EpMonthcardRenewalRequest(models.Model):
    """A renewal request (续费申请, seed 000 §2.3.6 B): a card paid outside the platform.

    Lot staff enter the plate and lot, the periods (the card's rule) and the money taken (cash,
    card, cheque, transfer...), attach a clear voucher (receipt, bank slip) and submit.
    Operations check the voucher and approve or reject it (ep.approval.mixin). Approval creates
    the card's renewal order, paid through the request's offline channel, and extends the card;
    a rejection keeps its reason and changes nothing (a new request must be made).
    """

    _name = "ep.monthcard.renewal.request"
    _description = "Month Card Renewal Request"
    _inherit = ["ep.approval.mixin"]
    _order = "id desc"

    name = fields.Char(string="Request No.", required=True, readonly=True, copy=False, default="/", index=True)
    card_id = fields.Many2one("ep.monthcard", string="Month Card", required=True, index=True, ondelete="restrict",
                              readonly=True, states=DRAFT_ONLY, domain=[("state", "!=", "cancelled")])
    lot_id = fields.Many2one("ep.parking.lot", required=True, index=True, readonly=True, ondelete="restrict",
                             help="The card's lot, set on creation (the region record rules read it).")
    region_id = fields.Many2one(related="lot_id.region_id", store=True, readonly=True)
    plate = fields.Char(related="card_id.plate", readonly=True)
    rule_id = fields.Many2one(related="card_id.rule_id", readonly=True)
    partner_id = fields.Many2one(related="card_id.partner_id", string="Holder", readonly=True)
    date_end = fields.Datetime(related="card_id.date_end", string="Valid Until", readonly=True)
    currency_id = fields.Many2one(related="lot_id.currency_id", readonly=True)
    quantity = fields.Integer(string="Periods", required=True, default=1, readonly=True, states=DRAFT_ONLY,
                              help="Months bought (years for a year rule).")
    amount = fields.Monetary(string="Amount Paid", required=True, readonly=True, states=DRAFT_ONLY,
                             help="What the owner paid, as the voucher shows: it must be the renewal's price.")
    payment_kind = fields.Selection(PAYMENT_KINDS, string="Paid By", required=True, default="cash", readonly=True,
                                    states=DRAFT_ONLY)
    channel_id = fields.Many2one("ep.parking.payment.method", string="Order Channel", readonly=True,
                                 states=DRAFT_ONLY, ondelete="restrict",
                                 help="The lot's offline channel the renewal order is booked on.")
    attachment_ids = fields.Many2many(
        "ir.attachment", "ep_monthcard_renewal_request_attachment_rel", "request_id", "attachment_id",
        string="Vouchers", readonly=True, states=DRAFT_ONLY, copy=False,
        help="Clear, valid proofs of payment (receipt, bank slip...), 5 MB each at most.")
    note = fields.Text(readonly=True, states=DRAFT_ONLY)
    quote_amount = fields.Monetary(string="Price", compute="_compute_quote",
                                   help="What the periods cost now (with the lot's discount offers).")
    quote_end = fields.Datetime(string="New Valid Until", compute="_compute_quote")
    quote_error = fields.Char(compute="_compute_quote")
    renewal_id = fields.Many2one("ep.monthcard.renewal", readonly=True, copy=False,
                                 ondelete="set null")
    order_id = fields.Many2one(related="renewal_id.order_id", string="Renewal Order", readonly=True)

    @api.depends("card_id", "quantity")
    def _compute_quote(self):
        Renewal = self.env["ep.monthcard.renewal"]
        for request in self:
            request.quote_amount, request.quote_end, request.quote_error = 0.0, False, False
            if not request.card_id or request.quantity < 1:
                continue
            try:
                quote, _discount = Renewal._quote_card(request.card_id, request.quantity)
            except UserError as error:
                request.quote_error = error.name
                continue
            request.quote_amount = float(quote.amount)
            request.quote_end = Renewal._to_utc_string(quote.end)

    # ------------------------------------------------------------ CRUD
    @api.model
    def create(self, vals):
        vals = dict(vals)
        card = self.env["ep.monthcard"].browse(vals.get("card_id"))
        if card:
            vals["lot_id"] = card.lot_id.id
            if not vals.get("channel_id"):
                vals["channel_id"] = self._get_default_channel(card).id
        if vals.get("name", "/") == "/":
            # sudo: the request number comes from the module's sequence, whoever asks.
            vals["name"] = self.env["ir.sequence"].sudo().next_by_code("ep.monthcard.renewal.request") or "/"
        request = super().create(vals)
        request._attach_vouchers()
        return request

    @api.multi
    def write(self, vals):
        if "card_id" in vals:
            vals = dict(vals, lot_id=self.env["ep.monthcard"].browse(vals["card_id"]).lot_id.id)
        result = super().write(vals)
        if "attachment_ids" in vals:
            self._attach_vouchers()
        return result

    @api.multi
    def unlink(self):
        if self.filtered(lambda r: r.approval_state != "draft"):
            raise UserError(_("Only a draft renewal request can be deleted."))
        return super().unlink()

    def _attach_vouchers(self):
        """Vouchers uploaded before the request existed belong to it (its access protects them)."""
        for request in self:
            loose = request.attachment_ids.filtered(lambda a: not a.res_id)
            if loose:
                loose.write({"res_model": self._name, "res_id": request.id})

    @api.onchange("card_id")
    def _onchange_card_id(self):
        if self.card_id:
            self.channel_id = self._get_default_channel(self.card_id)
            self.quantity = max(self.quantity, self.card_id.rule_id.min_purchase or 1)

    @api.model
    def _get_default_channel(self, card):
        """The lot's first channel paid at the lot that may pay the card (its rule's channels)."""
        channels = card.lot_id.payment_method_ids.filtered(
            lambda c: c.provider == "offline" and c._accepts_kind("month_card")
            and (not card.rule_id.channel_ids or c in card.rule_id.channel_ids))
        voucher = self.env.ref("ep_monthcard.payment_method_voucher", raise_if_not_found=False)
        if voucher and voucher in channels:
            return voucher
        return channels[:1]

    # ------------------------------------------------------------ checks
    @api.constrains("attachment_ids")
    def _check_vouchers(self):
        for request in self:
            big = request.attachment_ids.filtered(lambda a: (a.file_size or 0) > MAX_VOUCHER_BYTES)
            if big:
                raise ValidationError(_("The voucher %(name)s is larger than 5 MB.") % {"name": big[0].name})

    @api.constrains("quantity", "amount")
    def _check_amounts(self):
        for request in self:
            if request.quantity < 1:
                raise ValidationError(_("Renew at least one period."))
            if request.amount <= 0:
                raise ValidationError(_("The amount paid must be positive."))

    def _check_submit(self):
        """Refuse a request that could not be approved: no voucher, wrong price, channel refused."""
        self._check_renewal_terms()
        return super()._check_submit()

    def _check_approve(self):
        """The card, its rule or the price may have changed since the request was submitted."""
        self._check_renewal_terms()
        return super()._check_approve()

    def _check_renewal_terms(self):
        self.ensure_one()
        if not self.attachment_ids:
            raise UserError(_("Attach the payment voucher (receipt, bank slip...) of %(plate)s.")
                            % {"plate": self.plate})
        card = self.card_id
        Renewal = self.env["ep.monthcard.renewal"]
        Renewal._check_renewable(card, self.quantity)
        if not self.channel_id or self.channel_id.provider != "offline":
            raise UserError(_("Choose the lot's offline channel the renewal of %(plate)s is booked on.")
                            % {"plate": self.plate})
        self.lot_id._check_payment_channel(self.channel_id, "month_card")
        quote, _discount = Renewal._quote_card(card, self.quantity)
        card.rule_id._check_payable(card, self.channel_id, new_end=Renewal._to_utc_string(quote.end))
        if monetary_to_decimal(self.amount) != quote.amount:
            raise UserError(_("The amount paid %(amount)s is not the price of %(count)s periods of %(plate)s "
                              "(%(due)s).") % {"amount": self.amount, "count": self.quantity,
                                               "plate": self.plate, "due": quote.amount})

    # ------------------------------------------------------------ approval hooks
    def _on_approved(self):
        """The voucher is valid: the card's renewal order is created, paid and the card extended."""
        result = super()._on_approved()
        for request in self:
            renewal = self.env["ep.monthcard.renewal"]._create_paid_renewal(
                request.card_id, request.quantity, request.channel_id, "VOUCHER-%s" % request.name, "voucher",
                amount=request.amount, partner=request.card_id.partner_id)
            renewal.request_id = request
            request.renewal_id = renewal
            request.message_post(body=_("Approved: renewal order %(order)s; %(plate)s is valid until %(end)s.")
                                 % {"order": renewal.order_id.sudo().name, "plate": request.plate,
                                    "end": request.card_id.date_end})
        return result

    @api.multi
    def action_view_renewal(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "res_model": "ep.monthcard.renewal", "res_id": self.renewal_id.id,
            "view_mode": "form", "name": _("Renewal"),
        }
