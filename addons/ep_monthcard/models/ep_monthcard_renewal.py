from datetime import datetime, timedelta

from odoo import _, api, fields, models
from odoo.addons.ep_parking.models.ep_parking_tariff import from_lot_time, monetary_to_decimal, to_lot_time
from odoo.exceptions import UserError

from ..lib import billing

RENEWAL_STATES = [
    ("draft", "Draft"),
    ("ordered", "Waiting Payment"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]
# Where the money came from (§2.3.6 A 月卡续费 sources: app/portal, ipos, POS, at the lot, bank debit, voucher).
RENEWAL_SOURCES = [
    ("online", "Online (portal/app)"),
    ("ipos", "iPOS"),
    ("pos", "POS"),
    ("lot", "At the Lot"),
    ("bank_debit", "Bank Debit"),
    ("voucher", "Voucher Request"),
    ("other", "Other"),
]
ONE_SECOND = timedelta(seconds=1)


class EpMonthcardRenewal(models.Model):
    """One renewal (续费) of a month card: so many periods of its rule, priced by lib/billing.py
    and paid by an ``ep.parking.order`` (kind month card) whose payment extends the card.

    The quote is taken when the renewal is made; the validity is placed when the order is paid,
    after the card's end at that moment (two renewals paid in either order both count), for the
    amount quoted. Month boundaries are the lot's local time (跨月/自然月 per the lot's
    ``cross_month_renewal``)."""

    _name = "ep.monthcard.renewal"
    _description = "Month Card Renewal"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(compute="_compute_name")
    card_id = fields.Many2one("ep.monthcard", required=True, index=True, ondelete="restrict", readonly=True,
                              states={"draft": [("readonly", False)]})
    # Plain fields set at create (record rules and the portal read them; related stored fields
    # are not yet computed when rules are checked at create).
    lot_id = fields.Many2one("ep.parking.lot", required=True, index=True, ondelete="restrict", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Payer", index=True, ondelete="set null", readonly=True,
                                 states={"draft": [("readonly", False)]})
    plate = fields.Char(related="card_id.plate", readonly=True)
    rule_id = fields.Many2one("ep.monthcard.rule", readonly=True, ondelete="restrict")
    currency_id = fields.Many2one(related="lot_id.currency_id", readonly=True)
    quantity = fields.Integer(string="Periods", required=True, default=1, readonly=True,
                              states={"draft": [("readonly", False)]},
                              help="Months bought (years for a year rule).")
    source = fields.Selection(RENEWAL_SOURCES, required=True, default="lot", readonly=True,
                              states={"draft": [("readonly", False)]})
    channel_id = fields.Many2one("ep.parking.payment.method", readonly=True,
                                 states={"draft": [("readonly", False)]})
    date_from = fields.Datetime(string="Paid From", readonly=True)
    date_to = fields.Datetime(string="Paid Until", readonly=True)
    amount = fields.Monetary(readonly=True)
    quote_text = fields.Text(string="Details", readonly=True)
    discounted = fields.Boolean(readonly=True, help="A discount offer shaped the price.")
    discount_id = fields.Many2one("ep.monthcard.discount", readonly=True, index=True,
                                  ondelete="restrict", help="The offer that shaped the price (月卡折扣).")
    purchase_date = fields.Datetime(readonly=True, default=fields.Datetime.now, copy=False,
                                    help="When the renewal was quoted: discount windows and monthly limits use it.")
    region_id = fields.Many2one(related="lot_id.region_id", store=True, readonly=True)
    order_id = fields.Many2one("ep.parking.order", readonly=True, copy=False, ondelete="set null")
    request_id = fields.Many2one("ep.monthcard.renewal.request", string="Renewal Request", readonly=True,
                                 copy=False, ondelete="set null", help="The voucher request this renewal came from.")
    order_state = fields.Selection(related="order_id.state", readonly=True)
    move_id = fields.Many2one(related="order_id.move_id", string="Journal Entry", readonly=True)
    offline = fields.Boolean(compute="_compute_offline", help="Paid at the lot: staff confirm the payment.")
    state = fields.Selection(RENEWAL_STATES, required=True, default="draft", readonly=True, copy=False,
                             index=True, track_visibility="onchange")
    done_at = fields.Datetime(readonly=True, copy=False)

    @api.depends("card_id.plate", "quantity", "date_from")
    def _compute_name(self):
        for renewal in self:
            renewal.name = "%s × %s" % (renewal.card_id.plate or "", renewal.quantity)

    @api.depends("channel_id.provider")
    def _compute_offline(self):
        for renewal in self:
            renewal.offline = renewal.channel_id.provider == "offline"

    # ------------------------------------------------------------ quoting
    @api.model
    def _get_start(self, card, now=None):
        """The first local instant a renewal of ``card`` pays for: right after its end, or today's
        midnight when it has expired (a natural-month period starts at a midnight)."""
        now = to_lot_time(now or fields.Datetime.now())
        start = to_lot_time(card.date_end) + ONE_SECOND
        if start < now:
            start = datetime(now.year, now.month, now.day)
        if start.time() != datetime.min.time() and not card.lot_id.cross_month_renewal:
            start = datetime(start.year, start.month, start.day)
        return start

    @api.model
    def _get_quote(self, card, quantity, start=None, discount=None, purchase_date=None, used_this_month=0):
        """billing.Quote (local times) of ``quantity`` periods of ``card``'s rule from ``start``
        (:meth:`_get_start` by default); ``discount`` is a billing discount mapping."""
        rule = card.rule_id
        if not rule:
            raise UserError(_("The month card %(plate)s has no rule: it cannot be renewed.") % {"plate": card.plate})
        start = start or self._get_start(card)
        months = quantity * rule._get_unit_months()
        price = rule._get_price()
        if rule._get_unit_months() != 1 and quantity >= 1:
            # A year rule prices whole years: the amount is price × spaces × years, the
            # validity runs the same months as a cross-month purchase.
            price = (price / rule._get_unit_months()).quantize(price)
        try:
            if discount:
                return billing.discount_quote(price, card.spaces, months, start, discount,
                                              purchase_date or to_lot_time(fields.Datetime.now()),
                                              used_this_month, cross_month=card.lot_id.cross_month_renewal)
            if rule._get_unit_months() != 1 and quantity >= 1:
                quote = billing.renewal_quote(rule._get_price(), card.spaces, quantity, start, True)
                end = billing.renewal_quote(0, 1, months, start, True).end
                return quote._replace(end=end)
            return billing.renewal_quote(price, card.spaces, months, start, card.lot_id.cross_month_renewal)
        except billing.BillingError as error:
            raise UserError(_("The renewal of %(plate)s cannot be priced: %(reason)s")
                            % {"plate": card.plate, "reason": error}) from None

    @api.model
    def _quote_card(self, card, quantity, discount=None, start=None):
        """The quote of ``quantity`` periods of ``card`` bought now, and the offer that shaped it.

        ``discount`` None: the cheapest applicable approved offer (月卡折扣), if any applies;
        an ``ep.monthcard.discount`` record: that offer only (it must apply to the card); an
        empty recordset: no offer. Returns ``(quote, discount)`` (empty when no offer was used)."""
        Discount = self.env["ep.monthcard.discount"]
        purchase_date = to_lot_time(fields.Datetime.now())
        plain = self._get_quote(card, quantity, start=start)
        if discount is None:
            offers = Discount._get_candidates(card)
        else:
            offers = discount
            for offer in offers:
                if not offer.sudo()._applies_to(card):
                    raise UserError(_("The discount %(name)s does not apply to the month card %(plate)s (it must be "
                                      "approved, active and run at its lot and rule).")
                                    % {"name": offer.sudo().name, "plate": card.plate})
        if not offers:
            return plain, Discount
        used = Discount._get_used_this_month(card, purchase_date)
        best, best_offer = plain, Discount
        for offer in offers:
            quote = self._get_quote(card, quantity, start=start, discount=offer.sudo()._to_billing(),
                                    purchase_date=purchase_date, used_this_month=used)
            if quote.discounted and quote.amount < best.amount:
                best, best_offer = quote, offer
        return best, best_offer

    def _quote_text(self, quote):
        texts = self._get_label_texts()
        rows = []
        for label, amount in quote.lines:
            key = getattr(label, "key", None)
            text = texts[key] % label.params if key in texts else str(label)
            rows.append("%s: %s" % (text, amount))
        return "\n".join(rows)

    def _get_label_texts(self):
        """lib/billing.py line labels in the user's language, by key."""
        return {
            "months": _("%(start)s – %(end)s (%(count)d × %(price)s)"),
            "partial": _("%(start)s – %(end)s (%(days)d/%(month_days)d days)"),
            "offer_months": _("%(start)s – %(end)s (%(count)d × %(price)s, offer)"),
            "offer_partial": _("%(start)s – %(end)s (%(days)d/%(month_days)d days, offer)"),
            "reduction": _("Discount %(amount)s"),
        }

    @api.model
    def _to_utc_string(self, local):
        """A naive local lot time as a stored datetime string."""
        return fields.Datetime.to_string(from_lot_time(local))

    @api.model
    def _prepare_renewal_vals(self, card, quantity, quote, source, channel=None, partner=None, discount=None):
        return {
            "card_id": card.id, "lot_id": card.lot_id.id, "rule_id": card.rule_id.id, "quantity": quantity,
            "source": source, "channel_id": channel.id if channel else False,
            "partner_id": (partner or card.partner_id).id or False,
            "date_from": self._to_utc_string(quote.start), "date_to": self._to_utc_string(quote.end),
            "amount": float(quote.amount), "quote_text": self._quote_text(quote), "discounted": quote.discounted,
            "discount_id": discount.id if discount and quote.discounted else False,
            "purchase_date": fields.Datetime.now(),
        }

    @api.model
    def _create_renewal(self, card, quantity, source, channel=None, partner=None, quote=None, discount=None):
        """A draft renewal of ``card`` for ``quantity`` periods, quoted now unless ``quote`` is given
        (with the offer ``discount`` that shaped it; see :meth:`_quote_card` for ``discount``)."""
        self._check_renewable(card, quantity)
        if quote is None:
            quote, discount = self._quote_card(card, quantity, discount=discount)
        if channel:
            card.lot_id._check_payment_channel(channel, "month_card")
            card._ep_check_order_payment(channel)
        if card.rule_id:
            card.rule_id._check_payable(card, channel, new_end=self._to_utc_string(quote.end))
        return self.create(self._prepare_renewal_vals(card, quantity, quote, source, channel, partner, discount))

    @api.model
    def _check_renewable(self, card, quantity):
        if card.state == "cancelled":
            raise UserError(_("The month card %(plate)s is cancelled: it cannot be renewed.") % {"plate": card.plate})
        if quantity < 1:
            raise UserError(_("Renew at least one period."))
        rule = card.rule_id
        if rule and quantity < (rule.min_purchase or 1):
            raise UserError(_("The rule %(rule)s sells at least %(count)s periods at once.")
                            % {"rule": rule.name, "count": rule.min_purchase})

    # ------------------------------------------------------------ ordering and payment
    @api.multi
    def action_create_order(self):
        """Create the (unpaid) order that pays this renewal through its channel."""
        self.check_access_rights("write")
        self.check_access_rule("write")
        for renewal in self:
            if renewal.state != "draft":
                raise UserError(_("Only a draft renewal can be ordered."))
            if not renewal.channel_id:
                raise UserError(_("Choose the channel the renewal is paid through."))
        for renewal in self:
            # sudo: lot staff renew cards but do not create orders themselves (finance books them);
            # the renewal's own rights were checked above and the order carries only its data.
            order = self.env["ep.parking.order"].sudo().create(renewal._prepare_order_vals())
            renewal.write({"order_id": order.id, "state": "ordered"})
        return True

    def _prepare_order_vals(self):
        self.ensure_one()
        return {
            "kind": "month_card", "lot_id": self.lot_id.id, "plate": self.card_id.plate,
            "channel_id": self.channel_id.id, "partner_id": self.partner_id.id or False,
            "amount": self.amount, "res_model": self._name, "res_id": self.id,
            "fee_lines": self.quote_text or False,
        }

    @api.multi
    def action_confirm_paid(self, transaction=None):
        """Paid at the lot (cash, iPOS, POS): staff confirm the money of the order was taken."""
        self.check_access_rights("write")
        self.check_access_rule("write")
        for renewal in self:
            if renewal.state != "ordered" or renewal.order_id.state != "unpaid":
                raise UserError(_("Only a renewal waiting for its payment can be confirmed as paid."))
            if not renewal.offline:
                raise UserError(_("%(channel)s is paid online: its payment arrives from the gateway.")
                                % {"channel": renewal.channel_id.name})
        for renewal in self:
            # sudo: confirming offline money is finance's right on orders; lot staff take it at the
            # lot for the renewals they may write (checked above).
            order = renewal.order_id.sudo()
            if transaction:
                order._set_paid(transaction)
            else:
                order.action_confirm_offline_payment()
        return True

    def _ep_check_order_payment(self, channel):
        """The order is checked like an order of the card (rule, channel, online renewal)."""
        self.ensure_one()
        self.card_id._ep_check_order_payment(channel)

    def _ep_order_paid(self, order):
        """The order is paid: place the bought validity after the card's current end."""
        self.ensure_one()
        if self.state in ("done", "cancelled"):
            return
        self._apply()

    def _apply(self):
        """Extend the card by the bought periods, from its end now (the amount stays as quoted)."""
        self.ensure_one()
        # sudo: a paid order is what extends the card, whoever's payment arrives (the gateway,
        # finance confirming cash, an approver of a voucher) and whether or not they edit cards.
        card = self.card_id.sudo()
        start = self._get_start(card)
        quote = self._get_quote(card, self.quantity, start=start)
        new_end = self._to_utc_string(quote.end)
        vals = {"date_end": new_end}
        if card.date_end < fields.Datetime.now():
            # An expired card starts again on the day it is renewed.
            vals["date_start"] = self._to_utc_string(start)
        card.write(vals)
        self.sudo().write({"state": "done", "done_at": fields.Datetime.now(),
                           "date_from": self._to_utc_string(start), "date_to": new_end})
        card.message_post(body=_("Renewed for %(count)s periods (%(amount)s): valid until %(end)s.")
                          % {"count": self.quantity, "amount": self.amount, "end": card.date_end})
        if card.state in ("created", "in_use") and card.lot_id._can_take_commands():
            card.action_push()
        return True

    @api.model
    def _create_paid_renewal(self, card, quantity, channel, transaction, source, amount=None, partner=None):
        """A renewal paid already (bank debit, money taken elsewhere): order it, mark the order paid
        with ``transaction`` and extend the card. ``amount`` (when given) must match the quote; the
        best offer applies when the amount pays the discounted price, else the plain price."""
        quote, discount = self._quote_card(card, quantity)
        if amount is not None and discount and monetary_to_decimal(amount) != quote.amount:
            quote, discount = self._quote_card(card, quantity, discount=discount.browse())
        renewal = self._create_renewal(card, quantity, source, channel=channel, partner=partner, quote=quote,
                                       discount=discount)
        if amount is not None and monetary_to_decimal(amount) != monetary_to_decimal(renewal.amount):
            raise UserError(_("%(amount)s does not pay %(count)s periods of %(plate)s (%(due)s).")
                            % {"amount": amount, "count": quantity, "plate": card.plate, "due": renewal.amount})
        renewal.action_create_order()
        # sudo: see action_create_order; the money was taken already (debit, voucher).
        renewal.order_id.sudo()._set_paid(transaction)
        return renewal

    @api.model
    def _renew_by_ids(self, card_id, quantity, source, channel_id, paid=True, transaction=None):
        """Renew a card by ids (data files, integrations): the renewal and its order, paid when
        ``paid`` (offline: confirmed; online: through the local test gateway). Returns its id."""
        card = self.env["ep.monthcard"].browse(card_id)
        channel = self.env["ep.parking.payment.method"].browse(channel_id)
        renewal = self._create_renewal(card, quantity, source, channel=channel)
        renewal.action_create_order()
        if paid and channel.provider == "offline":
            renewal.action_confirm_paid(transaction)
        elif paid:
            # sudo: simulating the gateway is an administrator's tool (demo data, support).
            renewal.order_id.sudo().action_simulate_payment()
        return renewal.id

    @api.multi
    def action_cancel(self):
        for renewal in self:
            if renewal.state == "done":
                raise UserError(_("A done renewal cannot be cancelled: refund its order instead."))
        for renewal in self:
            if renewal.order_id.state == "unpaid":
                # sudo: the unpaid order only existed for this renewal (see action_create_order).
                renewal.order_id.sudo().action_cancel()
        return self.write({"state": "cancelled"})

    @api.multi
    def action_view_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "res_model": "ep.parking.order", "res_id": self.order_id.id,
            "view_mode": "form", "name": _("Order"),
        }
