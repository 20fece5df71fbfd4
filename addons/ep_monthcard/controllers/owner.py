"""The month-card holder's own pages (seed 000 §2.3.5, §2.3.6 C), beside renewal.py:

- the ``/my`` home lists the holder's cards with the days left and *Renew*;
- ``/my/monthcards/<id>``: one card: validity, days left, the car lock (lock / unlock / read the
  state through the lot, §2.3.5 锁车) and emergency opening;
- ``/my/monthcards/find``: lot + plate (province picker) → the card to renew, or the seed's
  messages "车牌不存在" / "该场没有这个月卡";
- ``/my/emergency-open``: choose the plate's card and a gate of its lot, ask; the gate displays a
  code; typing it on ``/my/emergency-open/<id>`` opens the gate (紧急开闸).

Cards are found with sudo() restricted to the user's partner (``_find_own_card``); another
owner's id answers 404.
"""
import werkzeug

from odoo import _, fields, http
from odoo.addons.ep_parking.controllers.owner import find_own_or_404
from odoo.addons.ep_parking.controllers.payment import undo_request
from odoo.addons.ep_parking.lib.plate import is_valid_plate, join_plate
from odoo.exceptions import UserError
from odoo.http import request

from ..lib import emergency
from .renewal import MonthcardRenewalPortal

LOCK_OPERATIONS = ("lock", "unlock", "read")
EXPIRING_DAYS = 7


class MonthcardOwnerPortal(MonthcardRenewalPortal):

    # ------------------------------------------------------------ helpers
    def _days_left(self, card):
        """Whole days from today to the card's last day (negative once expired), None without an end."""
        if not card.date_end:
            return None
        tz_env = card.with_context(tz=request.env.user.tz or "Asia/Shanghai")
        today = fields.Datetime.context_timestamp(tz_env, fields.Datetime.from_string(fields.Datetime.now())).date()
        end = fields.Datetime.context_timestamp(tz_env, fields.Datetime.from_string(card.date_end)).date()
        return (end - today).days

    def _card_values(self, cards):
        return {"days_left": {card.id: self._days_left(card) for card in cards},
                "refusals": {card.id: self._online_refusal(card) for card in cards},
                "expiring_days": EXPIRING_DAYS}

    def _own_cards(self):
        return self._monthcard_env()["ep.monthcard"].search(self._monthcard_domain())

    def _emergency_cards(self):
        now = fields.Datetime.from_string(fields.Datetime.now())
        return self._own_cards().filtered(lambda card: not emergency.card_refusal(
            card.state, card.emergency_open, fields.Datetime.from_string(card.date_start),
            fields.Datetime.from_string(card.date_end), now))

    def _gates(self, lots):
        return self._monthcard_env()["ep.device"].search(
            [("lot_id", "in", lots.ids), ("kind", "=", "gate"), ("active", "=", True)], order="lot_id, direction, name")

    def _own_emergency(self, request_id):
        return find_own_or_404(self._monthcard_env()["ep.monthcard.emergency.open"], request_id,
                               [("partner_id", "=", request.env.user.partner_id.id)])

    # ------------------------------------------------------------ home
    @http.route()
    def home(self, **kw):
        response = super().home(**kw)
        cards = self._own_cards()
        response.qcontext.update(ep_home_monthcards=cards, **self._card_values(cards))
        return response

    @http.route()
    def portal_my_monthcards(self, **kwargs):
        response = super().portal_my_monthcards(**kwargs)
        response.qcontext.update(self._card_values(response.qcontext.get("cards") or self._own_cards().browse()))
        return response

    # ------------------------------------------------------------ one card, car lock
    def _render_card(self, card, error=None, info=None):
        values = self._prepare_portal_layout_values()
        values.update(self._card_values(card), card=card, page_name="ep_monthcard", error=error, info=info,
                      emergency_ok=card in self._emergency_cards())
        return request.render("ep_monthcard.portal_my_monthcard", values)

    @http.route("/my/monthcards/<int:card_id>", type="http", auth="user", website=True, methods=["GET"])
    def portal_my_monthcard(self, card_id, **kw):
        return self._render_card(self._get_own_card(card_id))

    @http.route("/my/monthcards/<int:card_id>/lock", type="http", auth="user", website=True, methods=["POST"])
    def portal_my_monthcard_lock(self, card_id, operation="", **kw):
        card = self._get_own_card(card_id)
        if operation not in LOCK_OPERATIONS:
            raise werkzeug.exceptions.BadRequest(_("Unknown lock operation."))
        try:
            card._send_lock_command(operation)
        except UserError as exc:
            undo_request(card.env)
            return self._render_card(self._get_own_card(card_id), error=exc.name)
        return self._render_card(card, info=_("Sent to the lot: the answer shows here in a moment."))

    # ------------------------------------------------------------ find a card by lot and plate (§2.3.6 C)
    def _render_find(self, **values):
        page = self._prepare_portal_layout_values()
        lots = self._monthcard_env()["ep.parking.lot"].search([("active", "=", True)], order="name")
        page.update(values, lots=lots, page_name="ep_monthcard_find")
        return request.render("ep_monthcard.portal_monthcard_find", page)

    @http.route("/my/monthcards/find", type="http", auth="user", website=True, methods=["GET", "POST"])
    def portal_monthcard_find(self, lot_id="", plate_province="", plate="", **kw):
        if request.httprequest.method == "GET":
            return self._render_find()
        plate = join_plate(plate_province, plate)
        values = {"plate": plate, "lot_id": lot_id}
        if not is_valid_plate(plate):
            return self._render_find(error=_("%s is not a valid licence plate.") % (plate or "-"), **values)
        Card = self._monthcard_env()["ep.monthcard"]
        cards = Card.search([("state", "!=", "cancelled"), "|", ("plate", "=", plate), ("plate_ids.plate", "=", plate)])
        if not cards:
            return self._render_find(error=_("No month card has this plate."), **values)
        cards = cards.filtered(lambda card: str(card.lot_id.id) == lot_id)
        if not cards:
            return self._render_find(error=_("This lot has no such month card."), **values)
        own = cards.filtered(lambda card: card.partner_id == request.env.user.partner_id)
        if not own:
            return self._render_find(error=_("This month card is held by another account: ask the lot staff to "
                                             "bind it to you."), **values)
        return request.redirect("/my/monthcards/%s/renew" % own[0].id)

    # ------------------------------------------------------------ renewal needs the payer's phone (§2.3.6 D)
    @http.route()
    def portal_monthcard_renew_pay(self, card_id, periods=None, channel_id="", **kwargs):
        partner = request.env.user.partner_id
        if not (partner.mobile or partner.phone):
            card = self._get_own_card(card_id)
            values = self._renew_values(card, self._parse_periods(card, periods))
            values["error"] = _("Please complete your mobile phone number.")
            values["ep_need_mobile"] = True
            return request.render("ep_monthcard.portal_monthcard_renew", values)
        return super().portal_monthcard_renew_pay(card_id, periods=periods, channel_id=channel_id, **kwargs)

    # ------------------------------------------------------------ emergency opening (紧急开闸)
    def _render_emergency(self, record=None, error=None, info=None, status=200):
        values = self._prepare_portal_layout_values()
        cards = self._emergency_cards()
        values.update(page_name="ep_emergency_open", cards=cards, gates=self._gates(cards.mapped("lot_id")),
                      record=record, error=error, info=info,
                      gate_status=record._gate_status() if record else False)
        return request.render("ep_monthcard.portal_emergency_open", values, status=status)

    @http.route("/my/emergency-open", type="http", auth="user", website=True, methods=["GET"])
    def portal_emergency_open(self, **kw):
        return self._render_emergency()

    @http.route("/my/emergency-open", type="http", auth="user", website=True, methods=["POST"])
    def portal_emergency_open_request(self, card_id="", gate_id="", **kw):
        if card_id.isdigit() and not self._find_own_card(int(card_id)):
            raise werkzeug.exceptions.NotFound()  # someone else's card: as if it did not exist
        cards = self._emergency_cards()
        card = cards.filtered(lambda c: str(c.id) == card_id)
        gate = self._gates(card.lot_id).filtered(lambda g: str(g.id) == gate_id) if card else None
        if not card or not gate:
            return self._render_emergency(error=_("Choose your plate and a gate of its lot."), status=400)
        try:
            record = card.env["ep.monthcard.emergency.open"]._request(card, gate, card.env["res.partner"].browse(
                request.env.user.partner_id.id))
        except UserError as exc:
            undo_request(card.env)
            return self._render_emergency(error=exc.name)
        return request.redirect("/my/emergency-open/%s" % record.id)

    @http.route("/my/emergency-open/<int:request_id>", type="http", auth="user", website=True, methods=["GET"])
    def portal_emergency_open_page(self, request_id, **kw):
        return self._render_emergency(self._own_emergency(request_id))

    @http.route("/my/emergency-open/<int:request_id>/code", type="http", auth="user", website=True,
                methods=["POST"])
    def portal_emergency_open_code(self, request_id, code="", **kw):
        record = self._own_emergency(request_id)
        try:
            outcome = record._try_code(code)
        except UserError as exc:
            undo_request(record.env)
            return self._render_emergency(self._own_emergency(request_id), error=exc.name)
        message = record._get_outcome_message(outcome)
        if outcome == emergency.OK:
            return self._render_emergency(record, info=message)
        return self._render_emergency(record, error=message)
