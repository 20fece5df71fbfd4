"""Payloads vendors send about passages (seed 000 §2.2.1-2.2.3), checked before anything is stored.

Both doors use these parsers: the HTTP API (/ep/api/v1/...) and MQTT ``event`` messages.
A parser returns a plain dict of clean values or raises :class:`PayloadError` carrying a
stable result code, the offending field and a reason key; the Odoo side turns the reason
into a translated message. No Odoo import here.
"""
import base64
import binascii
import datetime as dt
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from .plate import is_valid_plate, normalize_plate

PHOTO_MAX_BYTES = 2 * 1024 * 1024
JPEG_MAGIC = b"\xff\xd8\xff"
DEFAULT_TZ = "Asia/Shanghai"

# result codes of the API (0 = success)
BAD_JSON = 40001
MISSING_FIELD = 40002
BAD_VALUE = 40003
BAD_PLATE = 40004
BAD_PHOTO = 40005
BAD_TOKEN = 40101
LOT_NOT_ALLOWED = 40301
UNKNOWN_LOT = 40401
NOT_IN_LOT = 40402
NO_TARIFF = 40901
PAYMENT_REJECTED = 40006
TOO_LARGE = 41301
SERVER_ERROR = 50001
AMOUNT_MAX = Decimal("99999999.99")  # no parking fee is larger; larger figures cannot be quantised
# A report's body: the largest photo (base64) and room for the other fields. Larger bodies are refused
# before they are read.
BODY_MAX_BYTES = (PHOTO_MAX_BYTES * 4) // 3 + 64 * 1024

HTTP_STATUS = {BAD_JSON: 400, MISSING_FIELD: 400, BAD_VALUE: 400, BAD_PLATE: 400, BAD_PHOTO: 400,
               PAYMENT_REJECTED: 400, BAD_TOKEN: 401, LOT_NOT_ALLOWED: 403, UNKNOWN_LOT: 404, NOT_IN_LOT: 404,
               NO_TARIFF: 409, TOO_LARGE: 413, SERVER_ERROR: 500}


class PayloadError(ValueError):
    def __init__(self, code, field=None, reason=None):
        super().__init__("%s: %s (%s)" % (code, field, reason))
        self.code = code
        self.field = field
        self.reason = reason or "invalid"

    @property
    def http_status(self):
        return HTTP_STATUS.get(self.code, 400)


def check_body_size(length):
    """Refuse a body of ``length`` bytes (None: unknown) larger than ``BODY_MAX_BYTES``."""
    if length is not None and length > BODY_MAX_BYTES:
        raise PayloadError(TOO_LARGE, None, "too_large")


def _require(payload, field):
    value = payload.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise PayloadError(MISSING_FIELD, field, "missing")
    return value


def _text(payload, field, required=True, max_len=64):
    value = _require(payload, field) if required else payload.get(field)
    if value is None or value == "":
        return None
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise PayloadError(BAD_VALUE, field, "not_text")
    return clean_text(str(value), field, max_len)


def clean_text(value, field, max_len=64):
    """``value`` stripped; refused when longer than ``max_len`` or holding a NUL character, which
    PostgreSQL text cannot store (a query with one fails instead of finding nothing)."""
    value = value.strip()
    if "\x00" in value:
        raise PayloadError(BAD_VALUE, field, "not_text")
    if len(value) > max_len:
        raise PayloadError(BAD_VALUE, field, "too_long")
    return value


def _choice(payload, field, choices, default=None):
    value = payload.get(field, default)
    if value is None:
        raise PayloadError(MISSING_FIELD, field, "missing")
    if value not in choices:
        raise PayloadError(BAD_VALUE, field, "not_choice")
    return value


def parse_time(value, tz=DEFAULT_TZ, field="time"):
    """ISO 8601 with an offset, or a naive "YYYY-MM-DD HH:MM:SS" in the lot's zone -> naive UTC."""
    if not isinstance(value, str):
        raise PayloadError(BAD_VALUE, field, "not_time")
    try:
        moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise PayloadError(BAD_VALUE, field, "not_time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(tz))
    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


def parse_amount(value, field):
    if value is None or value == "":
        return Decimal("0.00")
    if isinstance(value, bool) or isinstance(value, float) and value != value:
        raise PayloadError(BAD_VALUE, field, "not_amount")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise PayloadError(BAD_VALUE, field, "not_amount") from None
    if not amount.is_finite() or amount < 0 or amount > AMOUNT_MAX or amount != amount.quantize(Decimal("0.01")):
        raise PayloadError(BAD_VALUE, field, "not_amount")
    return amount.quantize(Decimal("0.01"))


def parse_plate(value, field="plate", required=True):
    if value is None or value == "":
        if required:
            raise PayloadError(MISSING_FIELD, field, "missing")
        return None
    plate = normalize_plate(value) if isinstance(value, str) else ""
    if not is_valid_plate(plate):
        raise PayloadError(BAD_PLATE, field, "bad_plate")
    return plate


def parse_photo(value, field="photo"):
    """Base64 JPEG of at most 2 MB, or None."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise PayloadError(BAD_PHOTO, field, "not_base64")
    if len(value) > (PHOTO_MAX_BYTES * 4) // 3 + 8:
        raise PayloadError(BAD_PHOTO, field, "too_big")
    if value.startswith("data:"):
        value = value.split(",", 1)[-1]
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise PayloadError(BAD_PHOTO, field, "not_base64") from None
    if len(data) > PHOTO_MAX_BYTES:
        raise PayloadError(BAD_PHOTO, field, "too_big")
    if not data.startswith(JPEG_MAGIC):
        raise PayloadError(BAD_PHOTO, field, "not_jpeg")
    return data


def _check_object(payload):
    if not isinstance(payload, dict):
        raise PayloadError(BAD_JSON, None, "not_object")
    return payload


def parse_passage(payload, tz=DEFAULT_TZ):
    """An entry or exit report (§2.2.1, §2.2.2)."""
    _check_object(payload)
    direction = _choice(payload, "direction", ("in", "out"))
    values = {
        "event_id": _text(payload, "event_id", max_len=128),
        "lot": _text(payload, "lot"),
        "plate": parse_plate(payload.get("plate")),
        "direction": direction,
        "gate": _text(payload, "gate"),
        "time": parse_time(_require(payload, "time"), tz),
        "vehicle_kind": _choice(payload, "vehicle_kind", ("month", "temp"), default="temp"),
        "amount_due": Decimal("0.00"),
        "amount_paid": Decimal("0.00"),
        "paid_online": False,
        "photo": parse_photo(payload.get("photo")),
    }
    if direction == "out":
        values["amount_due"] = parse_amount(payload.get("amount_due"), "amount_due")
        values["amount_paid"] = parse_amount(payload.get("amount_paid"), "amount_paid")
        paid_online = payload.get("paid_online", False)
        if not isinstance(paid_online, bool):
            raise PayloadError(BAD_VALUE, "paid_online", "not_bool")
        values["paid_online"] = paid_online
        values["order_ref"] = _text(payload, "order_ref", required=False, max_len=128)
    return values


def parse_abnormal_opening(payload, tz=DEFAULT_TZ):
    """A gate opened other than automatically (§2.2.3): by remote control or by the system."""
    _check_object(payload)
    return {
        "event_id": _text(payload, "event_id", max_len=128),
        "lot": _text(payload, "lot"),
        "plate": parse_plate(payload.get("plate"), required=False),
        "gate": _text(payload, "gate"),
        "kind": _choice(payload, "kind", ("remote", "system")),
        "time": parse_time(_require(payload, "time"), tz),
        "reason": _text(payload, "reason", required=False, max_len=500),
        "photo": parse_photo(payload.get("photo")),
    }


def parse_heartbeat(payload):
    """A lot (optionally naming devices) says it is alive."""
    _check_object(payload)
    devices = payload.get("devices")
    devices = [] if devices is None else devices  # absent or null: the whole lot; 0, "" or false are errors
    if not isinstance(devices, list) or not all(isinstance(code, str) for code in devices):
        raise PayloadError(BAD_VALUE, "devices", "not_list")
    return {"lot": _text(payload, "lot"), "devices": devices}
