"""Renewing a month card online (月卡续费, seed 000 §2.3.6 A 1: the owner pays in the app) on the portal.

- ``/my/monthcards``: the logged-in owner's cards (holder = the user's partner): state, validity, fee.
- ``/my/monthcards/<id>/renew``: choose the periods, see the price and the new end (discounts
  apply by themselves), choose an online channel; "Pay" (POST) creates the renewal and its order and
  goes to the channel's checkout; the order page (``/ep/pay/order/<id>?token=...``) follows it.
- ``/my/monthcards/<id>/quote?periods=N``: the same quote as JSON (400 bad input, 403 the card may
  not be renewed online, 404 not the user's card).

Owners have no access to cards, rules or orders beyond their own: cards are read with sudo()
restricted here to the user's partner; the renewal and order are created with sudo() after the
card checks (the card's own refusals: online renewal off, rule, channel, deadline).
"""
import json

import werkzeug

from odoo import SUPERUSER_ID, _, http
from odoo.addons.ep_parking.controllers.payment import offered_channels, order_url, split_fee_lines, undo_request
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.exceptions import UserError
from odoo.http import request

MAX_MONTH_PERIODS = 12
MAX_YEAR_PERIODS = 3


class MonthcardRenewalPortal(CustomerPortal):

    # ------------------------------------------------------------ helpers
    def _monthcard_domain(self):
        return [("partner_id", "=", request.env.user.partner_id.id), ("state", "!=", "cancelled")]

    def _monthcard_env(self):
        # sudo: owners have no access to cards; every read below is limited to the user's own cards.
        env = request.env(user=SUPERUSER_ID)
        return env(context=dict(env.context, tz=request.env.user.tz or "Asia/Shanghai"))

    def _find_own_card(self, card_id):
        """The user's card ``card_id`` (an empty recordset when it is someone else's)."""
        return self._monthcard_env()["ep.monthcard"].search([("id", "=", card_id)] + self._monthcard_domain(), limit=1)

    def _get_own_card(self, card_id):
        card = self._find_own_card(card_id)
        if not card:
            raise werkzeug.exceptions.NotFound()
        return card

    def _online_refusal(self, card):
        """Why ``card`` cannot be renewed online (a translated message), or None."""
        if not card.allow_online_renewal:
            return _("The month card %(plate)s cannot be renewed online; please renew at the lot.") % {
                "plate": card.plate}
        if not card.lot_id.online_payment:
            return _("The lot %(lot)s does not take online payments; please renew at the lot.") % {
                "lot": card.lot_id.name}
        if not card.rule_id:
            return _("The month card %(plate)s has no rule: it cannot be renewed.") % {"plate": card.plate}
        if card.rule_id.state != "active":
            return _("The month-card rule %(rule)s is forbidden: its cards cannot be paid.") % {
                "rule": card.rule_id.name}
        return None

    def _period_choices(self, card):
        first = card.rule_id.min_purchase or 1
        count = MAX_YEAR_PERIODS if card.rule_id._get_unit_months() != 1 else MAX_MONTH_PERIODS
        return list(range(first, first + count))

    def _get_choices(self, card, periods):
        if not card.rule_id:
            return []
        choices = self._period_choices(card)
        return sorted(set(choices) | {periods}) if periods >= 1 else choices

    def _parse_periods(self, card, periods):
        """The periods asked for (the rule's minimum by default); 0 when not a number."""
        if periods in (None, ""):
            return card.rule_id.min_purchase or 1
        try:
            return int(periods)
        except ValueError:
            return 0

    def _quote(self, card, periods):
        """(quote, discount) of ``periods`` periods of ``card`` now; UserError when not sold."""
        Renewal = card.env["ep.monthcard.renewal"]
        Renewal._check_renewable(card, periods)
        quote, discount = Renewal._quote_card(card, periods)
        card.rule_id._check_payable(card, new_end=Renewal._to_utc_string(quote.end))
        return quote, discount

    def _channels(self, card, amount):
        channels = offered_channels(card.lot_id, amount, card.partner_id, kind="month_card")
        if card.rule_id.channel_ids:
            channels = channels.filtered(lambda c: c in card.rule_id.channel_ids)
        return channels

    def _renew_values(self, card, periods, **values):
        values = dict(self._prepare_portal_layout_values(), page_name="ep_monthcard_renew", card=card,
                      periods=periods, choices=self._get_choices(card, periods),
                      currency=card.currency_id, **values)
        refusal = self._online_refusal(card)
        if refusal:
            values["refusal"] = refusal
            return values
        try:
            quote, discount = self._quote(card, periods)
        except UserError as exc:
            values.setdefault("error", exc.name)
            return values
        Renewal = card.env["ep.monthcard.renewal"]
        values.update(quote=quote, discount=discount, channels=self._channels(card, quote.amount),
                      lines=split_fee_lines(Renewal._quote_text(quote)),
                      start=quote.start.strftime("%Y-%m-%d %H:%M"), end=quote.end.strftime("%Y-%m-%d %H:%M"))
        return values

    def _prepare_portal_layout_values(self):
        values = super()._prepare_portal_layout_values()
        values["ep_monthcard_count"] = self._monthcard_env()["ep.monthcard"].search_count(self._monthcard_domain())
        return values

    # ------------------------------------------------------------ pages
    @http.route("/my/monthcards", type="http", auth="user", website=True, methods=["GET"])
    def portal_my_monthcards(self, **kwargs):
        values = self._prepare_portal_layout_values()
        cards = self._monthcard_env()["ep.monthcard"].search(self._monthcard_domain())
        values.update(cards=cards, page_name="ep_monthcards",
                      refusals={card.id: self._online_refusal(card) for card in cards})
        return request.render("ep_monthcard.portal_my_monthcards", values)

    @http.route("/my/monthcards/<int:card_id>/renew", type="http", auth="user", website=True, methods=["GET"])
    def portal_monthcard_renew(self, card_id, periods=None, **kwargs):
        card = self._get_own_card(card_id)
        return request.render("ep_monthcard.portal_monthcard_renew",
                              self._renew_values(card, self._parse_periods(card, periods)))

    @http.route("/my/monthcards/<int:card_id>/renew", type="http", auth="user", website=True, methods=["POST"])
    def portal_monthcard_renew_pay(self, card_id, periods=None, channel_id="", **kwargs):
        card = self._get_own_card(card_id)
        periods = self._parse_periods(card, periods)
        values = self._renew_values(card, periods)
        if values.get("refusal") or values.get("error"):
            return request.render("ep_monthcard.portal_monthcard_renew", values)
        channel = values["channels"].filtered(lambda c: str(c.id) == channel_id)
        if not channel:
            values["error"] = _("Please choose how to pay.")
            return request.render("ep_monthcard.portal_monthcard_renew", values)
        env = card.env
        try:
            renewal = env["ep.monthcard.renewal"]._create_renewal(
                card, periods, "online", channel=channel, partner=request.env.user.partner_id)
            renewal.action_create_order()
            order = renewal.order_id
            status_url = order_url(order)
            checkout_url = order.action_start_payment(status_url)
        except UserError as exc:
            undo_request(env)
            card = self._get_own_card(card_id)
            return request.render("ep_monthcard.portal_monthcard_renew", self._renew_values(
                card, periods, error=exc.name))
        return request.redirect(checkout_url or status_url)

    @http.route("/my/monthcards/<int:card_id>/quote", type="http", auth="user", methods=["GET"])
    def portal_monthcard_quote(self, card_id, periods=None, **kwargs):
        card = self._find_own_card(card_id)
        if not card:
            return self._json({"error": _("No such month card.")}, 404)
        refusal = self._online_refusal(card)
        if refusal:
            return self._json({"error": refusal}, 403)
        periods = self._parse_periods(card, periods)
        try:
            quote, discount = self._quote(card, periods)
        except UserError as exc:
            return self._json({"error": exc.name}, 400)
        Renewal = card.env["ep.monthcard.renewal"]
        return self._json({
            "card_id": card.id, "plate": card.plate, "periods": periods, "amount": str(quote.amount),
            "start": quote.start.strftime("%Y-%m-%d %H:%M:%S"), "end": quote.end.strftime("%Y-%m-%d %H:%M:%S"),
            "discount": discount.name or None, "lines": Renewal._quote_text(quote).splitlines(),
            "channels": [{"id": c.id, "name": c.name} for c in self._channels(card, quote.amount)],
        })

    def _json(self, data, status=200):
        response = request.make_response(json.dumps(data, ensure_ascii=False),
                                         headers=[("Content-Type", "application/json; charset=utf-8")])
        response.status_code = status
        return response
