"""Vendor API (seed 000 §2.2.1-2.2.3): vendors report passages over HTTP.

``POST /ep/api/v1/passages``, ``/abnormal_openings``, ``/heartbeat`` with a JSON body and
``Authorization: Bearer <vendor token>``; ``GET /ep/api/v1/fee?lot=&plate=`` (vendor token or a
logged-in session) gives what a car owes (§2.3.7); ``POST /ep/api/v1/payment/notify/<provider>``
takes signed gateway notifications (lib/payment.py). Answers ``{"result": 0, ...}`` or a 4xx with
``{"result": <code>, "message": ...}``; bad input never writes anything.
"""
import json
import logging

from odoo import SUPERUSER_ID, fields, http
from odoo.http import request
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY

from ..lib import payment as pay
from ..lib import vendor_api
from ..lib.plate import is_valid_plate, normalize_plate
from ..models.ep_parking_order import FeeQueryError

_logger = logging.getLogger(__name__)

API_PREFIX = "/ep/api/"
_odoo_get_request = http.Root.get_request


def _get_request(self, httprequest):
    """Odoo 11 treats every application/json body as JSON-RPC; vendors post plain JSON to
    our API, so requests under /ep/api/ are dispatched as plain HTTP (see docs/PORTING.md)."""
    if httprequest.path.startswith(API_PREFIX):
        if httprequest.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            # Odoo parses forms before any route: werkzeug refuses a larger one (413) before reading it.
            # JSON bodies reach the routes, which answer 413 in JSON (VendorApi._read_json).
            httprequest.max_content_length = vendor_api.BODY_MAX_BYTES
        return http.HttpRequest(httprequest)
    return _odoo_get_request(self, httprequest)


http.Root.get_request = _get_request


class VendorApi(http.Controller):

    def _json(self, payload, status=200):
        response = request.make_response(
            json.dumps(payload, ensure_ascii=False),
            headers=[("Content-Type", "application/json; charset=utf-8")])
        response.status_code = status
        return response

    def _env(self):
        lang = request.httprequest.headers.get("Accept-Language", "").split(",")[0].strip().replace("-", "_")
        # sudo: vendors are machines authenticated by their token below, not Odoo users.
        env = request.env(user=SUPERUSER_ID)
        if lang and env["res.lang"].search_count([("code", "=", lang)]):
            env = env(context=dict(env.context, lang=lang))
        return env

    def _error(self, env, error):
        message = env["ep.parking.passage"]._api_error_message(error)
        return self._json({"result": error.code, "message": message, "field": error.field}, error.http_status)

    def _handle(self, parser, handler):
        if not request.db:
            return self._json({"result": vendor_api.BAD_VALUE, "message": "no database selected"}, 400)
        env = self._env()
        try:
            vendor = self._authenticate(env)
            payload = self._read_json()
            values = parser(payload)
            lot = env["ep.parking.lot"].with_context(active_test=False)._find_by_code(values["lot"])
            if not lot:
                raise vendor_api.PayloadError(vendor_api.UNKNOWN_LOT, values["lot"], "unknown_lot")
            if vendor not in (lot.vendor_cloud_id | lot.vendor_local_id):
                raise vendor_api.PayloadError(vendor_api.LOT_NOT_ALLOWED, values["lot"], "lot_not_allowed")
            return self._json(dict(handler(env, lot, values, vendor), result=0))
        except vendor_api.PayloadError as error:
            return self._error(env, error)
        except Exception as error:
            if getattr(error, "pgcode", None) in PG_CONCURRENCY_ERRORS_TO_RETRY:
                raise  # a concurrent request won: Odoo's request layer runs this one again
            # Nothing of this request may stay written; the vendor retries later.
            _logger.exception("vendor API failed on %s", request.httprequest.path)
            env.cr.rollback()
            return self._json({"result": vendor_api.SERVER_ERROR, "message": "internal error"}, 500)

    def _read_json(self):
        """The body as JSON; a body larger than ``BODY_MAX_BYTES`` is refused before it is read whole."""
        httprequest = request.httprequest
        vendor_api.check_body_size(httprequest.content_length)
        # kept: the request layer runs the route again after a concurrency error, the stream is read once
        data = httprequest.environ.get("ep.api.body")
        if data is None:
            data = httprequest.environ["ep.api.body"] = httprequest.stream.read(vendor_api.BODY_MAX_BYTES + 1)
        vendor_api.check_body_size(len(data))
        try:
            return json.loads(data.decode("utf-8") or "null")
        except (ValueError, UnicodeDecodeError):
            raise vendor_api.PayloadError(vendor_api.BAD_JSON, None, "bad_json") from None

    def _authenticate(self, env):
        header = request.httprequest.headers.get("Authorization", "")
        token = header[7:].strip() if header[:7].lower() == "bearer " else ""
        vendor = env["ep.parking.vendor"]._authenticate(token)
        if not vendor:
            raise vendor_api.PayloadError(vendor_api.BAD_TOKEN, None, "bad_token")
        return vendor

    @http.route("/ep/api/v1/passages", type="http", auth="none", methods=["POST"], csrf=False)
    def passages(self, **kwargs):
        def handler(env, lot, values, vendor):
            record, created = env["ep.parking.passage"]._ingest_vendor(lot, values, "http", vendor)
            return {"id": record.id, "duplicate": not created, "state": record.state,
                    "entry_id": record.entry_id.id or None}
        return self._handle(vendor_api.parse_passage, handler)

    @http.route("/ep/api/v1/abnormal_openings", type="http", auth="none", methods=["POST"], csrf=False)
    def abnormal_openings(self, **kwargs):
        def handler(env, lot, values, vendor):
            record, created = env["ep.parking.abnormal.opening"]._ingest_vendor(lot, values, "http", vendor)
            return {"id": record.id, "duplicate": not created}
        return self._handle(vendor_api.parse_abnormal_opening, handler)

    @http.route("/ep/api/v1/heartbeat", type="http", auth="none", methods=["POST"], csrf=False)
    def heartbeat(self, **kwargs):
        def handler(env, lot, values, vendor):
            devices = lot.device_ids
            if values["devices"]:
                devices = devices.filtered(lambda d: d.code in values["devices"])
            now = fields.Datetime.now()
            devices._set_presence(True, now)
            return {"server_time": now, "devices": sorted(devices.mapped("code"))}
        return self._handle(vendor_api.parse_heartbeat, handler)

    # ------------------------------------------------------------ fee query (§2.3.7)
    @http.route("/ep/api/v1/fee", type="http", auth="none", methods=["GET"], csrf=False)
    def fee(self, lot="", plate="", **kwargs):
        if not request.db:
            return self._json({"result": vendor_api.BAD_VALUE, "message": "no database selected"}, 400)
        env = self._env()
        try:
            lot = vendor_api.clean_text(lot, "lot")
            plate = vendor_api.clean_text(plate, "plate")
            record = env["ep.parking.lot"]._find_by_code(lot)
            if not plate:
                raise vendor_api.PayloadError(vendor_api.MISSING_FIELD, "plate", "missing")
            if not is_valid_plate(plate):
                raise vendor_api.PayloadError(vendor_api.BAD_PLATE, "plate", "bad_plate")
            if request.httprequest.headers.get("Authorization"):
                vendor = self._authenticate(env)
                if record and vendor not in (record.vendor_cloud_id | record.vendor_local_id):
                    raise vendor_api.PayloadError(vendor_api.LOT_NOT_ALLOWED, lot, "lot_not_allowed")
            elif not request.session.uid or env["res.users"].browse(request.session.uid)._is_public():
                raise vendor_api.PayloadError(vendor_api.BAD_TOKEN, None, "bad_token")
            elif record and not record.scan_to_pay:
                raise vendor_api.PayloadError(vendor_api.LOT_NOT_ALLOWED, lot, "scan_to_pay_off")
            if not record:
                raise vendor_api.PayloadError(vendor_api.UNKNOWN_LOT, lot, "unknown_lot")
            try:
                quote = env["ep.parking.order"]._get_fee_quote(record, plate)
            except FeeQueryError as exc:
                code = vendor_api.NOT_IN_LOT if exc.reason == "not_in_lot" else vendor_api.NO_TARIFF
                field = normalize_plate(plate) if exc.reason == "not_in_lot" else record.code
                raise vendor_api.PayloadError(code, field, exc.reason) from None
            return self._json(env["ep.parking.order"]._quote_to_json(quote))
        except vendor_api.PayloadError as error:
            return self._error(env, error)

    # ------------------------------------------------------------ gateway notifications
    @http.route("/ep/api/v1/payment/notify/<string:provider>", type="http", auth="none", methods=["POST"],
                csrf=False)
    def payment_notify(self, provider, **kwargs):
        if not request.db:
            return self._json({"result": vendor_api.BAD_VALUE, "message": "no database selected"}, 400)
        env = self._env()
        try:
            payload = json.loads(request.httprequest.get_data(as_text=True) or "null")
        except ValueError:
            return self._error(env, vendor_api.PayloadError(vendor_api.BAD_JSON, None, "bad_json"))
        try:
            order = env["ep.parking.order"]._process_notification(provider, payload)
        except pay.PaymentError as exc:
            env.cr.rollback()
            return self._error(env, vendor_api.PayloadError(vendor_api.PAYMENT_REJECTED, exc.field, "payment"))
        return self._json({"result": 0, "order": order.name, "state": order.state})
