from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.ep_monthcard_renewal import RENEWAL_SOURCES

# Where a channel's money comes from, by channel code (§2.3.8 A 来源); offline channels default to "at the lot".
CHANNEL_SOURCES = {"ipos": "ipos", "yiting_pos": "pos", "tingchebao": "other"}


class EpMonthcardRenewWizard(models.TransientModel):
    """Renew a month card at the back office (月卡续费, seed 000 §2.3.6 A): periods, where the money
    comes from and the channel, an optional discount; the quote shows live. Confirming creates
    the renewal and its order; money taken at the lot can be confirmed at once."""

    _name = "ep.monthcard.renew.wizard"
    _description = "Renew a Month Card"

    card_id = fields.Many2one("ep.monthcard", string="Month Card", required=True, ondelete="cascade",
                              default=lambda self: self._default_card())
    lot_id = fields.Many2one(related="card_id.lot_id", readonly=True)
    rule_id = fields.Many2one(related="card_id.rule_id", readonly=True)
    date_end = fields.Datetime(related="card_id.date_end", string="Valid Until", readonly=True)
    currency_id = fields.Many2one(related="card_id.currency_id", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Payer")
    quantity = fields.Integer(string="Periods", required=True, default=1,
                              help="Months bought (years for a year rule).")
    source = fields.Selection(RENEWAL_SOURCES, required=True, default="lot")
    channel_id = fields.Many2one("ep.parking.payment.method", required=True)
    offline = fields.Boolean(compute="_compute_offline")
    discount_id = fields.Many2one(
        "ep.monthcard.discount",
        help="Leave empty: the best approved offer of the lot applies by itself.")
    no_discount = fields.Boolean(string="Without Discount", help="Charge the normal price even if an offer applies.")
    amount = fields.Monetary(compute="_compute_quote")
    date_from = fields.Datetime(string="Paid From", compute="_compute_quote")
    date_to = fields.Datetime(string="New Valid Until", compute="_compute_quote")
    quote_text = fields.Text(string="Details", compute="_compute_quote")
    applied_discount_id = fields.Many2one("ep.monthcard.discount", string="Offer Applied", compute="_compute_quote")
    quote_error = fields.Char(compute="_compute_quote")
    transaction = fields.Char(string="Receipt No.", help="The iPOS/POS slip or receipt number, when paid at the lot.")

    @api.model
    def _default_card(self):
        if self.env.context.get("active_model") == "ep.monthcard":
            return self.env.context.get("active_id")
        return False

    @api.depends("channel_id.provider")
    def _compute_offline(self):
        for wizard in self:
            wizard.offline = wizard.channel_id.provider == "offline"

    @api.depends("card_id", "quantity", "discount_id", "no_discount")
    def _compute_quote(self):
        Renewal = self.env["ep.monthcard.renewal"]
        for wizard in self:
            wizard.amount, wizard.date_from, wizard.date_to = 0.0, False, False
            wizard.quote_text, wizard.applied_discount_id, wizard.quote_error = False, False, False
            if not wizard.card_id or wizard.quantity < 1:
                continue
            try:
                quote, discount = Renewal._quote_card(wizard.card_id, wizard.quantity,
                                                      discount=wizard._get_discount_choice())
            except UserError as error:
                wizard.quote_error = error.name
                continue
            wizard.amount = float(quote.amount)
            wizard.date_from = Renewal._to_utc_string(quote.start)
            wizard.date_to = Renewal._to_utc_string(quote.end)
            wizard.quote_text = Renewal._quote_text(quote)
            wizard.applied_discount_id = discount

    def _get_discount_choice(self):
        """What :meth:`ep.monthcard.renewal._quote_card` takes: None (best offer), one offer or none."""
        if self.no_discount:
            return self.env["ep.monthcard.discount"]
        return self.discount_id or None

    @api.onchange("card_id")
    def _onchange_card_id(self):
        card = self.card_id
        self.partner_id = card.partner_id
        self.quantity = max(self.quantity, card.rule_id.min_purchase or 1)
        channels = self._get_channels(card)
        if self.channel_id not in channels:
            self.channel_id = channels[:1]
        return {"domain": {"channel_id": [("id", "in", channels.ids)]}}

    @api.onchange("channel_id")
    def _onchange_channel_id(self):
        channel = self.channel_id
        if channel:
            self.source = "online" if channel.online else CHANNEL_SOURCES.get(channel.code, "lot")

    @api.model
    def _get_channels(self, card):
        """The channels of the card's lot that may pay it (month cards, its rule's channels)."""
        return card.lot_id.payment_method_ids.filtered(
            lambda c: c._accepts_kind("month_card") and (not card.rule_id.channel_ids or c in card.rule_id.channel_ids))

    # ------------------------------------------------------------ actions
    def _create_renewal(self):
        self.ensure_one()
        Renewal = self.env["ep.monthcard.renewal"]
        quote, discount = Renewal._quote_card(self.card_id, self.quantity, discount=self._get_discount_choice())
        renewal = Renewal._create_renewal(self.card_id, self.quantity, self.source, channel=self.channel_id,
                                          partner=self.partner_id or None, quote=quote, discount=discount)
        renewal.action_create_order()
        return renewal

    @api.multi
    def action_create_order(self):
        """Create the renewal and its unpaid order (paid later: gateway, or confirmed by staff)."""
        return self._open(self._create_renewal())

    @api.multi
    def action_paid_at_lot(self):
        """The money was taken at the lot (cash, iPOS, POS): renew and confirm the payment now."""
        self.ensure_one()
        if not self.offline:
            raise UserError(_("%(channel)s is paid online: create the order and let the owner pay it.")
                            % {"channel": self.channel_id.name})
        renewal = self._create_renewal()
        renewal.action_confirm_paid(self.transaction or None)
        return self._open(renewal)

    def _open(self, renewal):
        return {
            "type": "ir.actions.act_window", "res_model": "ep.monthcard.renewal", "res_id": renewal.id,
            "view_mode": "form", "name": _("Renewal"), "target": "current",
        }
