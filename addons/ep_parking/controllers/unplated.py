"""Pages behind the QR codes printed at the lot (seed 000 §2.2.4 无牌车进出场, scan to pay).

- ``/ep/qr/g/<qr_token>``: a gate's QR code. Entry gate: phone, code, the gate opens.
  Exit gate: the visit (from the browser session, else phone + code), fee, confirm, the gate opens.
- ``/ep/unplated/visit/<id>``: the visit as its driver sees it (gate status, times).
- ``/ep/qr/l/<lot code>`` and ``/ep/qr/pay``: type a plate, see whether the car is in the lot.

Visitors are anonymous (public user): every model access below goes through sudo(), and
what a visitor may touch is decided here: the gate from its random QR token, a visit only
with the access token kept in the visitor's session or after a verified phone code.
"""
import psycopg2
import werkzeug

from odoo import SUPERUSER_ID, _, http
from odoo.exceptions import UserError
from odoo.http import request

from ..lib.plate import is_valid_plate, normalize_plate

SESSION_KEY = "ep_unplated_visits"
SESSION_MAX = 5


class UnplatedPages(http.Controller):

    # ------------------------------------------------------------ helpers
    def _env(self):
        # sudo: visitors are anonymous; each route checks what they may see (tokens, codes).
        env = request.env(user=SUPERUSER_ID)
        # times are shown in the visitor's time zone if known, else in China's (the lots' one)
        return env(context=dict(env.context, tz=request.env.context.get("tz") or request.env.user.tz
                                or "Asia/Shanghai"))

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
        token = (request.session.get(SESSION_KEY) or {}).get(str(visit_id))
        visit = self._env()["ep.parking.unplated"].browse(int(visit_id)).exists()
        return visit if visit and visit._check_token(token) else None

    def _session_open_visit(self, lot):
        """The visit in ``lot`` this browser entered with (or proved at the exit), if any."""
        for visit_id in reversed(list(request.session.get(SESSION_KEY) or {})):
            visit = self._session_visit(visit_id)
            if visit and visit.lot_id == lot and visit.state == "in_lot":
                return visit
        return None

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
        return self._render_gate(gate, step="confirm", visit=visit, fee=fee, error=error,
                                 duration=visit._format_duration(visit.duration_minutes))

    @http.route("/ep/qr/g/<string:qr_token>/exit", type="http", auth="public", website=True, methods=["POST"])
    def gate_confirm_exit(self, qr_token, visit_id="", **kwargs):
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
            return self._exit_confirm_page(gate, visit, error=_("The payment is not complete yet."))
        return request.redirect("/ep/unplated/visit/%s" % visit.id)

    # ------------------------------------------------------------ visit status
    @http.route("/ep/unplated/visit/<int:visit_id>", type="http", auth="public", website=True, methods=["GET"])
    def visit_page(self, visit_id, **kwargs):
        visit = self._session_visit(visit_id)
        if not visit:
            raise werkzeug.exceptions.NotFound()
        command = visit.entry_command_id if visit.state == "in_lot" else visit.exit_command_id
        return self._render("ep_parking.unplated_visit_page", {
            "visit": visit, "lot": visit.lot_id, "gate_status": visit._gate_status(command),
            "duration": visit._format_duration(visit._get_current_minutes()),
        })

    # ------------------------------------------------------------ plate lookup / scan to pay
    def _lookup(self, lot, plate):
        """Values of the plate page: the car's entry, or a translated error."""
        if not plate:
            return {}
        if not is_valid_plate(plate):
            return {"error": _("%s is not a valid licence plate.") % plate}
        entry = self._env()["ep.parking.unplated"]._lookup_plate(lot, plate)
        return {"searched": True, "entry": entry, "plate": normalize_plate(plate),
                "since": entry and self._env()["ep.parking.unplated"]._format_time(entry.passage_time)}

    def _pay_lots(self):
        return self._env()["ep.parking.lot"].search([("scan_to_pay", "=", True), ("state", "=", "operating")])

    @http.route("/ep/qr/l/<string:lot_code>", type="http", auth="public", website=True, methods=["GET", "POST"])
    def lot_page(self, lot_code, plate="", **kwargs):
        lot = self._env()["ep.parking.lot"]._find_by_code(lot_code)
        if not lot:
            raise werkzeug.exceptions.NotFound()
        values = {"lot": lot, "lots": lot, "plate": plate, "action": "/ep/qr/l/%s" % lot.code}
        if lot.scan_to_pay and request.httprequest.method == "POST":
            values.update(self._lookup(lot, plate))
        return self._render("ep_parking.plate_lookup_page", values)

    @http.route("/ep/qr/pay", type="http", auth="public", website=True, methods=["GET", "POST"])
    def pay_page(self, lot_id="", plate="", **kwargs):
        lots = self._pay_lots()
        values = {"lot": None, "lots": lots, "plate": plate, "action": "/ep/qr/pay", "choose_lot": True}
        if request.httprequest.method == "POST":
            lot = lots.filtered(lambda candidate: str(candidate.id) == lot_id)
            if not lot:
                values["error"] = _("Please choose the lot.")
            else:
                values.update(self._lookup(lot, plate), lot=lot)
        return self._render("ep_parking.plate_lookup_page", values)
