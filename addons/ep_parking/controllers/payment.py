"""Paying a parking fee online from the lot's QR codes (seed 000 §2.3.7 临停缴费, §2.2.4, §2.3.11),
and the checkout page of the local test gateway.

- The plate pages (``/ep/qr/l/<lot code>``, ``/ep/qr/pay``, ``/ep/qr/g/<exit gate token>/plate``)
  show a car's stay and fee and the lot's online channels; their "Pay" button posts to
  ``/ep/pay/plate``: an unpaid order for what the car owes now, then the channel's checkout.
- ``/ep/pay/order/<id>?token=<access token>``: the order as its payer sees it (state, fee,
  "leave before", the exit gate it opened).
- ``/ep/pay/test/<checkout token>``: the local test gateway's checkout (no real money).

Visitors are anonymous (public user): model access goes through sudo(), and what a visitor may
touch is decided here: an order by its access token, a gateway payment by its checkout token,
an exit gate by its QR token. The helpers below are shared with controllers/unplated.py.
"""
import logging
from urllib.parse import urlencode

import werkzeug

from odoo import SUPERUSER_ID, _, http
from odoo.exceptions import UserError
from odoo.http import request

from ..lib import payment as pay
from ..lib.plate import is_valid_plate, normalize_plate
from ..models.ep_parking_order import FeeQueryError
from ..models.ep_parking_tariff import monetary_to_decimal

_logger = logging.getLogger(__name__)

PLATE_PAGE = "ep_parking.plate_lookup_page"


# ---------------------------------------------------------------- helpers (also used by unplated.py)
def public_env():
    """The environment of the QR pages."""
    # sudo: visitors are anonymous; each route checks what they may see (tokens, QR codes).
    env = request.env(user=SUPERUSER_ID)
    # times are shown in the visitor's time zone if known, else in China's (the lots' one)
    return env(context=dict(env.context, tz=owner_tz()))


def owner_tz():
    """The time zone a page shows times in: the user's, else China's (the lots' one)."""
    return request.env.context.get("tz") or request.env.user.tz or "Asia/Shanghai"


def shown_sudo(records):
    """``records`` read as superuser for display, times in the viewer's zone (``owner_tz``).

    Only for records the caller already found as, or for, the user: sudo here shows names of
    related records (lots, sellers) that portal users may not read themselves."""
    return records.sudo().with_context(tz=owner_tz())


def current_payer():
    """The logged-in visitor's partner (who may pay with a deduction balance), None when anonymous."""
    user = request.env.user
    if not request.session.uid or user._is_public():
        return None
    return public_env()["res.partner"].browse(user.partner_id.id)


def offered_channels(lot, amount, partner=None, kind="temporary"):
    """The channels a payer may choose to pay ``amount`` at ``lot`` online (§2.3.8 B).

    Online channels of the lot whose provider has a checkout, for this kind of order; no-sense
    channels are bound to a plate, not chosen. The deduction balance is offered only to a
    logged-in payer whose balance covers the whole amount (§2.3.11)."""
    Provider = lot.env["ep.parking.payment.provider"]
    if amount <= 0 or not lot.online_payment:
        return lot.payment_method_ids.browse()

    def offered(channel):
        if not (channel.online and not channel.settle_after_exit and channel._accepts_kind(kind)
                and hasattr(Provider, "_%s_start" % channel.provider)):
            return False
        if channel.provider == "deduction":
            return bool(lot.full_deduction and partner
                        and monetary_to_decimal(partner.ep_deduction_balance) >= amount)
        return True

    return lot.payment_method_ids.filtered(offered)


def order_url(order):
    """The order's status page (the access token is the payer's credential)."""
    return "/ep/pay/order/%s?%s" % (order.id, urlencode({"token": order.access_token}))


def local_url(url):
    """``url`` when it is a path of this site, else None (no redirection elsewhere)."""
    if url and url.startswith("/") and not url.startswith("//") and "\\" not in url:
        return url
    return None


def fee_values(lot, plate, partner=None):
    """What a plate page shows after a search: the car's stay and fee, or a translated error."""
    if not plate:
        return {}
    if not is_valid_plate(plate):
        return {"error": _("%s is not a valid licence plate.") % plate}
    env = public_env()
    Visit = env["ep.parking.unplated"]
    plate = normalize_plate(plate)
    values = {"searched": True, "plate": plate, "entry": Visit._lookup_plate(lot, plate)}
    if values["entry"]:
        values["since"] = Visit._format_time(values["entry"].passage_time)
    try:
        quote = env["ep.parking.order"]._get_fee_quote(lot, plate)
    except FeeQueryError as exc:
        values["fee_error"] = exc.name
        return values
    values.update(quote=quote, duration=Visit._format_duration(quote["minutes"]),
                  pay_until=Visit._format_time(quote["pay_until"]), payer=partner,
                  channels=offered_channels(lot, quote["amount_due"], partner))
    return values


def plate_page_values(lot, plate="", gate=None, search=True):
    """The plate page of ``lot`` (the lot's QR code, or the plate path of an exit gate's QR code)."""
    values = {
        "lot": lot, "lots": lot, "plate": plate, "gate": gate, "qr_token": gate.qr_token if gate else "",
        "action": "/ep/qr/g/%s/plate" % gate.qr_token if gate else "/ep/qr/l/%s" % lot.code,
        "test_mode": False,  # no SMS on these pages
    }
    if search and (gate or lot.scan_to_pay):
        values.update(fee_values(lot, plate, current_payer()))
    return values


def find_exit_gate(qr_token):
    """The exit gate in service behind a QR token, else an empty recordset."""
    Device = public_env()["ep.device"]
    if not qr_token:
        return Device
    return Device.search([("qr_token", "=", qr_token), ("kind", "=", "gate"), ("direction", "=", "out"),
                          ("lot_id", "!=", False)], limit=1)


def undo_request(env):
    """Forget what the request wrote before a step was refused, to show the page again.

    Used instead of a savepoint around steps that may post a payment: paying reads decimal
    precisions through a cursor of its own, which in Odoo 11's HTTP test mode is the request's
    cursor and would end the savepoint. Nothing else these requests write is worth keeping."""
    env.cr.rollback()
    env.clear()


def split_fee_lines(text):
    """An order's fee details ("label: amount" a line) as (label, amount) pairs."""
    lines = []
    for line in (text or "").splitlines():
        label, _sep, amount = line.rpartition(": ")
        lines.append((label, amount) if label else (line, ""))
    return lines


class PaymentPages(http.Controller):

    # ------------------------------------------------------------ plate fee → order → checkout
    @http.route("/ep/pay/plate", type="http", auth="public", website=True, methods=["POST"])
    def pay_plate(self, lot_id="", plate="", channel_id="", qr_token="", **kwargs):
        env = public_env()
        gate = find_exit_gate(qr_token)
        if qr_token and not gate:
            raise werkzeug.exceptions.NotFound()
        if gate:
            lot = gate.lot_id
        else:
            lot = env["ep.parking.lot"].browse(int(lot_id) if lot_id.isdigit() else 0).exists()
            if not lot or not lot.active or not lot.scan_to_pay:
                raise werkzeug.exceptions.NotFound()
        values = plate_page_values(lot, plate, gate)
        if not values.get("quote") or values["quote"]["amount_due"] <= 0:
            return request.render(PLATE_PAGE, values)  # the page says why there is nothing to pay
        channel = values["channels"].filtered(lambda candidate: str(candidate.id) == channel_id)
        if not channel:
            values["error"] = _("Please choose how to pay.")
            return request.render(PLATE_PAGE, values)
        try:
            order = env["ep.parking.order"]._create_temporary_order(
                lot, plate, channel, gate=gate or None, partner=current_payer())
            status_url = order_url(order)
            checkout_url = order.action_start_payment(status_url)
        except UserError as exc:
            undo_request(env)
            values["error"] = exc.name
            return request.render(PLATE_PAGE, values)
        return request.redirect(checkout_url or status_url)

    # ------------------------------------------------------------ order status
    def _get_order(self, order_id, token):
        order = public_env()["ep.parking.order"].browse(order_id).exists()
        if not order or not order._check_token(token):
            raise werkzeug.exceptions.NotFound()
        return order

    def _get_return_url(self, order):
        """Where the payer comes back after the checkout: the visit page of an unplated car, else the order."""
        origin = order._get_origin()
        if origin is not None and origin._name == "ep.parking.unplated":
            return "/ep/unplated/visit/%s" % origin.id
        return order_url(order)

    def _order_values(self, order, token, **values):
        Visit = public_env()["ep.parking.unplated"]
        origin = order._get_origin()
        visit = origin if origin is not None and origin._name == "ep.parking.unplated" else None
        command = order.command_id or (visit.exit_command_id if visit and visit.state == "left" else None)
        return dict(
            values, order=order, lot=order.lot_id, token=token, visit=visit,
            lines=split_fee_lines(order.fee_lines),
            gate_status=Visit._gate_status(command) if order.state == "paid" else False,
            entry_time=Visit._format_time(order.entry_time), paid_at=Visit._format_time(order.paid_at),
            pay_until=Visit._format_time(order.pay_until),
        )

    @http.route("/ep/pay/order/<int:order_id>", type="http", auth="public", website=True, methods=["GET"])
    def order_page(self, order_id, token="", **kwargs):
        order = self._get_order(order_id, token)
        return request.render("ep_parking.payment_order_page", self._order_values(order, token))

    @http.route("/ep/pay/order/<int:order_id>/checkout", type="http", auth="public", website=True,
                methods=["POST"])
    def order_checkout(self, order_id, token="", **kwargs):
        """Back to the checkout of an unpaid order (a new one if the payer cancelled the last)."""
        order = self._get_order(order_id, token)
        try:
            checkout_url = order.action_start_payment(self._get_return_url(order))
        except UserError as exc:
            undo_request(order.env)
            return request.render("ep_parking.payment_order_page", self._order_values(order, token, error=exc.name))
        return request.redirect(checkout_url or order_url(order))

    @http.route("/ep/pay/order/<int:order_id>/check", type="http", auth="public", website=True,
                methods=["POST"])
    def order_check(self, order_id, token="", **kwargs):
        """"I have paid": ask the gateway about an unpaid order (§2.3.8 C 查单)."""
        order = self._get_order(order_id, token)
        error = None
        try:
            order.action_check_payment()
        except UserError as exc:
            undo_request(order.env)
            error = exc.name
        if order.state == "unpaid":
            return request.render("ep_parking.payment_order_page", self._order_values(
                order, token, error=error or _("The payment has not arrived yet.")))
        return request.redirect(order_url(order))

    # ------------------------------------------------------------ local test gateway
    def _get_test_payment(self, token):
        payment = public_env()["ep.parking.test.payment"]._find_token(token)
        if not payment:
            raise werkzeug.exceptions.NotFound()
        return payment

    def _render_test_checkout(self, payment, **values):
        order = payment.order_id
        return request.render("ep_parking.payment_test_checkout_page", dict(
            values, payment=payment, order=order, merchant=order.lot_id, lot=None,
            return_url=self._get_test_return_url(payment)))

    def _get_test_return_url(self, payment):
        return local_url(payment.return_url) or order_url(payment.order_id)

    @http.route("/ep/pay/test/<string:token>", type="http", auth="public", website=True, methods=["GET"])
    def test_checkout(self, token, **kwargs):
        return self._render_test_checkout(self._get_test_payment(token))

    @http.route("/ep/pay/test/<string:token>/pay", type="http", auth="public", website=True, methods=["POST"])
    def test_pay(self, token, notify="1", **kwargs):
        """The payer pays; ``notify=0`` (a test tool) loses the gateway's notification."""
        payment = self._get_test_payment(token)
        # a replayed or doubled form pays once: the second request waits here, then sees "paid"
        payment.env.cr.execute("SELECT id FROM ep_parking_test_payment WHERE id = %s FOR UPDATE", [payment.id])
        payment.invalidate_cache()
        if payment.state != "pending":
            return self._render_test_checkout(payment, error=_("Only a pending payment can be paid."))
        try:
            payment._pay(notify=notify != "0")
        except (UserError, pay.PaymentError) as exc:
            undo_request(payment.env)
            _logger.warning("test gateway payment %s refused: %s", payment.reference, exc)
            return self._render_test_checkout(payment, error=_("The payment was refused: %(reason)s") % {
                "reason": exc.name if isinstance(exc, UserError) else exc.field})
        return request.redirect(self._get_test_return_url(payment))

    @http.route("/ep/pay/test/<string:token>/cancel", type="http", auth="public", website=True, methods=["POST"])
    def test_cancel(self, token, **kwargs):
        payment = self._get_test_payment(token)
        payment._cancel()
        return request.redirect(self._get_test_return_url(payment))
