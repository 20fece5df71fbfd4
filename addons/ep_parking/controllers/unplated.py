"""Pages behind the QR codes printed at the lot (seed 000 §2.2.4 无牌车进出场, scan to pay).

- ``/ep/qr/g/<qr_token>``: a gate's QR code. Entry gate: phone, code, the gate opens.
  Exit gate: the visit (from the browser session, else phone + code), fee, confirm (paying the
  fee through the chosen channel's checkout), the gate opens. Cars with a plate follow
  ``/ep/qr/g/<qr_token>/plate``: the plate's fee, paid, the gate opens.
- ``/ep/unplated/visit/<id>``: the visit as its driver sees it (gate status, times).
- ``/ep/qr/l/<lot code>`` and ``/ep/qr/pay``: type a plate, see the car's stay and fee, pay it
  (controllers/payment.py takes it from the "Pay" button).

Visitors are anonymous (public user): every model access below goes through sudo(), and
what a visitor may touch is decided here: the gate from its random QR token, a visit only
with the access token kept in the visitor's session or after a verified phone code.
"""
import psycopg2
import werkzeug

from odoo import _, http
from odoo.exceptions import UserError
from odoo.http import request

from ..lib.plate import join_plate
from . import payment

SESSION_KEY = "ep_unplated_visits"
SESSION_MAX = 5


def session_visit(visit_id):
    """The visit ``visit_id`` when this browser holds its access token, else None."""
    token = (request.session.get(SESSION_KEY) or {}).get(str(visit_id))
    visit = payment.public_env()["ep.parking.unplated"].browse(int(visit_id)).exists()
    return visit if visit and visit._check_token(token) else None


def session_open_visit(lot):
    """The visit in ``lot`` this browser entered with (or proved at the exit), if any: the
    driver's phone is the one that scanned (merchant coupons for unplated cars, §2.2.4)."""
    for visit_id in reversed(list(request.session.get(SESSION_KEY) or {})):
        visit = session_visit(visit_id)
        if visit and visit.lot_id == lot and visit.state == "in_lot":
            return visit
    return None


class UnplatedPages(http.Controller):

    # ------------------------------------------------------------ helpers
    def _env(self):
        return payment.public_env()  # superuser: see payment.public_env

    def _gate(self, qr_token):
        gate = self._env()["ep.device"].search(
            [("qr_token", "=", qr_token or ""), ("kind", "=", "gate"), ("direction", "in", ("in", "out")),
             ("lot_id", "!=", False)], limit=1) if qr_token else None
        if not gate:
            raise werkzeug.exceptions.NotFound()
        return gate

    def _remember(self, visit):
        visits = dict(request.session.get(SESSION_KEY) or {})
        visits.pop(str(visit.id), None)
        visits[str(visit.id)] = visit.access_token
        while len(visits) > SESSION_MAX:
            visits.pop(next(iter(visits)))
        request.session[SESSION_KEY] = visits

    def _session_visit(self, visit_id):
        return session_visit(visit_id)

    def _session_open_visit(self, lot):
        return session_open_visit(lot)

    def _render(self, template, values):
        return request.render(template, dict(values, test_mode=self._env()["ep.parking.sms.provider"]._is_test_mode()))

    def _gate_values(self, gate, **values):
        return dict(values, gate=gate, lot=gate.lot_id, qr_token=gate.qr_token,
                    template="ep_parking.unplated_entry_page" if gate.direction == "in"
                    else "ep_parking.unplated_exit_page")

    def _render_gate(self, gate, **values):
        values = self._gate_values(gate, **values)
        return self._render(values["template"], values)

    # ------------------------------------------------------------ gate QR code
    @http.route("/ep/qr/g/<string:qr_token>", type="http", auth="public", website=True, methods=["GET"])
    def gate_page(self, qr_token, **kwargs):
        gate = self._gate(qr_token)
        if gate.direction == "out":
            visit = self._session_open_visit(gate.lot_id)
            if visit:
                return self._exit_confirm_page(gate, visit)
        return self._render_gate(gate, step="phone")

    @http.route("/ep/qr/g/<string:qr_token>/code", type="http", auth="public", website=True, methods=["POST"])
    def gate_send_code(self, qr_token, phone="", **kwargs):
        gate = self._gate(qr_token)
        Visit = self._env()["ep.parking.unplated"]
        try:
            if gate.direction == "in":
                verification = Visit._request_entry_code(gate, phone)
            else:
                verification = Visit._request_exit_code(gate, phone)
        except UserError as exc:
            return self._render_gate(gate, step="phone", phone=phone, error=exc.name)
        return self._render_gate(gate, step="code", phone=verification.phone,
                                 test_message=verification._get_test_message(),
                                 info=_("A 6-digit code was sent to %s.") % verification.phone)

    @http.route("/ep/qr/g/<string:qr_token>/verify", type="http", auth="public", website=True, methods=["POST"])
    def gate_verify(self, qr_token, phone="", code="", **kwargs):
        gate = self._gate(qr_token)
        env = self._env()
        Visit = env["ep.parking.unplated"]
        purpose = "unplated_entry" if gate.direction == "in" else "unplated_exit"
        verification = env["ep.parking.phone.verification"]._find_pending(phone, purpose, gate.lot_id)
        if not verification:
            return self._render_gate(gate, step="phone", phone=phone,
                                     error=_("Please ask for a code first, or ask for a new one."))
        # a wrong code is counted and kept: no exception, the transaction commits
        error = verification._check_code(code)
        if error:
            return self._render_gate(gate, step="code", phone=verification.phone, error=error,
                                     test_message=verification._get_test_message())
        try:
            with env.cr.savepoint():
                if gate.direction == "in":
                    visit = Visit._enter(gate, verification, verification.phone)
                else:
                    visit = Visit._exit_verified(gate, verification, verification.phone)
        except UserError as exc:
            return self._render_gate(gate, step="phone", phone=verification.phone, error=exc.name)
        except psycopg2.IntegrityError:
            # two entries of the same phone at once: the unique index let one in
            return self._render_gate(gate, step="phone", phone=verification.phone,
                                     error=_("A car of this phone is already in the lot."))
        self._remember(visit)
        if gate.direction == "in":
            return request.redirect("/ep/unplated/visit/%s" % visit.id)
        return request.redirect("/ep/qr/g/%s" % gate.qr_token)

    def _exit_confirm_page(self, gate, visit, error=None):
        try:
            with self._env().cr.savepoint():
                fee = visit._scan_exit(gate)
        except UserError as exc:
            return self._render_gate(gate, step="phone", error=exc.name)
        payer = payment.current_payer()
        return self._render_gate(gate, step="confirm", visit=visit, fee=fee, error=error, payer=payer,
                                 duration=visit._format_duration(visit.duration_minutes),
                                 channels=payment.offered_channels(gate.lot_id, fee, payer))

    @http.route("/ep/qr/g/<string:qr_token>/exit", type="http", auth="public", website=True, methods=["POST"])
    def gate_confirm_exit(self, qr_token, visit_id="", channel_id="", **kwargs):
        gate = self._gate(qr_token)
        visit = self._session_visit(visit_id) if visit_id.isdigit() else None
        if not visit or visit.state != "in_lot" or visit.lot_id != gate.lot_id:
            return self._render_gate(gate, step="phone", error=_("Please verify your phone number first."))
        try:
            with self._env().cr.savepoint():
                done = visit._confirm_exit(gate)
        except UserError as exc:
            return self._exit_confirm_page(gate, visit, error=exc.name)
        if not done:
            return self._pay_exit(gate, visit, channel_id)
        return request.redirect("/ep/unplated/visit/%s" % visit.id)

    def _pay_exit(self, gate, visit, channel_id):
        """A fee is due: an order of the visit through the chosen channel, then its checkout.

        Once paid the car leaves and the gate opens; the checkout comes back to the visit page."""
        partner = payment.current_payer()
        channels = payment.offered_channels(gate.lot_id, visit._get_exit_fee(), partner)
        if not channels:
            return self._exit_confirm_page(gate, visit, error=_(
                "This lot takes no online payment: please ask the lot staff to let you out."))
        channel = channels.filtered(lambda candidate: str(candidate.id) == channel_id)
        if not channel:
            return self._exit_confirm_page(gate, visit, error=_("Please choose how to pay."))
        return_url = "/ep/unplated/visit/%s" % visit.id
        try:
            # the logged-in payer, if any: their deduction balance may pay it
            order = visit._create_exit_order(channel, partner=partner or None)
            checkout_url = order.action_start_payment(return_url)
        except UserError as exc:
            payment.undo_request(self._env())  # not a savepoint: see undo_request
            return self._exit_confirm_page(gate, visit, error=exc.name)
        return request.redirect(checkout_url or return_url)

    # ------------------------------------------------------------ plate path of the exit gate
    @http.route("/ep/qr/g/<string:qr_token>/plate", type="http", auth="public", website=True,
                methods=["GET", "POST"])
    def gate_plate_page(self, qr_token, plate="", plate_province="", **kwargs):
        """A car with a plate at the exit gate: its fee, paid here, opens this gate."""
        gate = self._gate(qr_token)
        if gate.direction != "out":
            raise werkzeug.exceptions.NotFound()
        values = payment.plate_page_values(gate.lot_id, join_plate(plate_province, plate), gate,
                                           search=request.httprequest.method == "POST")
        return request.render(payment.PLATE_PAGE, values)

    # ------------------------------------------------------------ visit status
    @http.route("/ep/unplated/visit/<int:visit_id>", type="http", auth="public", website=True, methods=["GET"])
    def visit_page(self, visit_id, **kwargs):
        visit = self._session_visit(visit_id)
        if not visit:
            raise werkzeug.exceptions.NotFound()
        if visit.state == "left":
            command = visit.exit_command_id
        else:  # the entry gate's answer, until the driver is at the exit
            command = visit.entry_command_id if not visit.exit_scanned else None
        pending = self._env()["ep.parking.order"].search([
            ("res_model", "=", visit._name), ("res_id", "=", visit.id), ("state", "=", "unpaid")], limit=1)
        return self._render("ep_parking.unplated_visit_page", {
            "visit": visit, "lot": visit.lot_id, "gate_status": visit._gate_status(command),
            "duration": visit._format_duration(visit._get_current_minutes()),
            "pending_url": payment.order_url(pending) if pending and visit.state == "in_lot" else None,
        })

    # ------------------------------------------------------------ plate lookup / scan to pay
    def _pay_lots(self):
        return self._env()["ep.parking.lot"].search([("scan_to_pay", "=", True), ("state", "=", "operating")])

    @http.route("/ep/qr/l/<string:lot_code>", type="http", auth="public", website=True, methods=["GET", "POST"])
    def lot_page(self, lot_code, plate="", plate_province="", **kwargs):
        lot = self._env()["ep.parking.lot"]._find_by_code(lot_code)
        if not lot:
            raise werkzeug.exceptions.NotFound()
        values = payment.plate_page_values(lot, join_plate(plate_province, plate),
                                           search=request.httprequest.method == "POST")
        return request.render(payment.PLATE_PAGE, values)

    @http.route("/ep/qr/pay", type="http", auth="public", website=True, methods=["GET", "POST"])
    def pay_page(self, lot_id="", plate="", plate_province="", **kwargs):
        lots = self._pay_lots()
        plate = join_plate(plate_province, plate)
        values = {"lot": None, "lots": lots, "plate": plate, "action": "/ep/qr/pay", "choose_lot": True}
        if request.httprequest.method == "POST":
            lot = lots.filtered(lambda candidate: str(candidate.id) == lot_id)
            if not lot:
                values["error"] = _("Please choose the lot.")
            else:
                values.update(payment.fee_values(lot, plate, payment.current_payer()), lot=lot)
        return request.render(payment.PLATE_PAGE, values)
