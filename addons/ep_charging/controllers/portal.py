"""Owners on the portal (seed 004, the owner side of §2.2-2.3, §5):

- ``/ep/charging/stations``: the stations in service, their prices, whether they take reservations;
- ``/ep/charging/g/<gun token>``: the page behind a gun's QR code — state, prices; logged in, *Start
  charging* (paid from the owner's electronic card) or *Reserve this space*;
- ``/my/charging``: the owner's charging orders, occupancy arrears and reservations, each unpaid one
  with *Pay* (the lot's online channels; the order page follows the payment).

Visitors read stations and guns as superuser (nothing private on them); the owner's records are
searched by their partner only, then handled as superuser after that check.
"""
import werkzeug

from odoo import SUPERUSER_ID, _, http
from odoo.addons.ep_parking.controllers.payment import offered_channels, order_url, owner_tz, undo_request
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.exceptions import UserError, ValidationError
from odoo.http import request
from odoo.tools import consteq

PAYABLE = {"order": "ep.charging.order", "occupancy": "ep.charging.occupancy", "reservation": "ep.charging.reservation"}


def charging_env():
    # sudo: stations and guns are public; the owner's records are filtered by partner before use
    env = request.env(user=SUPERUSER_ID)
    return env(context=dict(env.context, tz=owner_tz()))


def current_partner():
    user = request.env.user
    if not request.session.uid or user._is_public():
        return None
    return charging_env()["res.partner"].browse(user.partner_id.id)


class ChargingPortal(CustomerPortal):

    # ------------------------------------------------------------ helpers
    def _gun(self, token):
        Gun = charging_env()["ep.charging.connector"]
        gun = Gun.search([("qr_token", "=", token or "")], limit=1) if token else Gun
        if not gun or not consteq(gun.qr_token, token) or not gun.station_id.active:
            raise werkzeug.exceptions.NotFound()
        return gun

    def _own(self, partner):
        env = charging_env()
        return {
            "cards": env["ep.charging.card"].search([("partner_id", "=", partner.id), ("kind", "=", "electronic"),
                                                     ("state", "=", "active")]),
            "orders": env["ep.charging.order"].search([("partner_id", "=", partner.id)], limit=50),
            "occupancies": env["ep.charging.occupancy"].search([("partner_id", "=", partner.id)], limit=50),
            "reservations": env["ep.charging.reservation"].search([("partner_id", "=", partner.id)], limit=50),
        }

    def _prepare_portal_layout_values(self):
        values = super()._prepare_portal_layout_values()
        partner = current_partner()
        values["ep_charging_count"] = partner and charging_env()["ep.charging.order"].search_count(
            [("partner_id", "=", partner.id)]) or 0
        return values

    def _render_gun(self, gun, **values):
        partner = current_partner()
        card = partner and charging_env()["ep.charging.card"].search([
            ("partner_id", "=", partner.id), ("station_id", "=", gun.station_id.id), ("kind", "=", "electronic"),
            ("state", "=", "active")], limit=1)
        return request.render("ep_charging.charging_gun_page", dict(
            values, gun=gun, station=gun.station_id, lot=gun.station_id.lot_id, partner=partner, card=card,
            segments=self._segments(gun.station_id)))

    def _segments(self, station):
        try:
            return station._get_segments()
        except (UserError, ValidationError):
            return []

    # ------------------------------------------------------------ public pages
    @http.route("/ep/charging/stations", type="http", auth="public", website=True, methods=["GET"])
    def charging_stations(self, **kwargs):
        stations = charging_env()["ep.charging.station"].search([("active", "=", True)])
        return request.render("ep_charging.charging_stations_page", {
            "stations": stations, "segments": {s.id: self._segments(s) for s in stations}})

    @http.route("/ep/charging/g/<string:token>", type="http", auth="public", website=True, methods=["GET"])
    def charging_gun(self, token, **kwargs):
        return self._render_gun(self._gun(token))

    @http.route("/ep/charging/g/<string:token>/start", type="http", auth="user", website=True, methods=["POST"])
    def charging_start(self, token, **kwargs):
        gun = self._gun(token)
        try:
            order = gun.env["ep.charging.order"]._request_start(gun, current_partner())
        except UserError as exc:
            undo_request(gun.env)
            return self._render_gun(self._gun(token), error=exc.name)
        return self._render_gun(gun, started=order)

    @http.route("/ep/charging/g/<string:token>/reserve", type="http", auth="user", website=True, methods=["POST"])
    def charging_reserve(self, token, plate=None, **kwargs):
        gun = self._gun(token)
        partner = current_partner()
        try:
            gun.env["ep.charging.reservation"]._reserve(gun, plate, partner=partner,
                                                        phone=partner.mobile or partner.phone)
        except UserError as exc:
            undo_request(gun.env)
            return self._render_gun(self._gun(token), error=exc.name)
        return request.redirect("/my/charging")

    # ------------------------------------------------------------ my charging
    @http.route("/my/charging", type="http", auth="user", website=True, methods=["GET"])
    def portal_my_charging(self, **kwargs):
        partner = current_partner()
        values = dict(self._prepare_portal_layout_values(), page_name="ep_charging", **self._own(partner))
        values["channels"] = {}
        for key, listed in (("order", "orders"), ("occupancy", "occupancies"), ("reservation", "reservations")):
            for record in values[listed]:
                due = record._get_amount_due()
                if due > 0:
                    values["channels"][(key, record.id)] = (due, offered_channels(
                        record.station_id.lot_id, due, partner, kind=record._payment_kind))
        values["card_channels"] = {card.id: offered_channels(card.station_id.lot_id, 1, partner, kind="charging")
                                   for card in values["cards"]}
        return request.render("ep_charging.portal_my_charging", values)

    @http.route("/my/charging/topup", type="http", auth="user", website=True, methods=["POST"])
    def portal_charging_topup(self, card_id=None, amount=None, channel_id=None, **kwargs):
        partner = current_partner()
        card = charging_env()["ep.charging.card"].search([
            ("id", "=", int(card_id) if str(card_id or "").isdigit() else 0), ("partner_id", "=", partner.id),
            ("kind", "=", "electronic")])
        if not card:
            raise werkzeug.exceptions.NotFound()
        channel = offered_channels(card.station_id.lot_id, 1, partner, kind="charging").filtered(
            lambda c: str(c.id) == str(channel_id or ""))
        if not channel:
            raise werkzeug.exceptions.BadRequest(_("Choose how to pay."))
        try:
            order = card._create_topup_order(amount, channel, partner)
            status_url = order_url(order)
            checkout = order.action_start_payment(status_url)
        except (UserError, ValueError) as exc:
            undo_request(card.env)
            raise werkzeug.exceptions.BadRequest(getattr(exc, "name", str(exc))) from None
        return request.redirect(checkout or status_url)

    @http.route("/my/charging/pay", type="http", auth="user", website=True, methods=["POST"])
    def portal_charging_pay(self, key=None, record_id=None, channel_id=None, **kwargs):
        partner = current_partner()
        model = PAYABLE.get(key)
        if not model or not str(record_id or "").isdigit():
            raise werkzeug.exceptions.NotFound()
        record = charging_env()[model].search([("id", "=", int(record_id)), ("partner_id", "=", partner.id)])
        if not record:
            raise werkzeug.exceptions.NotFound()
        due = record._get_amount_due()
        channel = offered_channels(record.station_id.lot_id, due, partner, kind=record._payment_kind).filtered(
            lambda c: str(c.id) == str(channel_id or ""))
        if not channel:
            raise werkzeug.exceptions.BadRequest(_("Choose how to pay."))
        try:
            order = record._create_payment_order(channel, partner)
            status_url = order_url(order)
            checkout = order.action_start_payment(status_url)
        except UserError as exc:
            undo_request(record.env)
            raise werkzeug.exceptions.BadRequest(exc.name) from None
        return request.redirect(checkout or status_url)
