"""What chargers report over MQTT (the event channel of the EP device contract), checked.

Event types and their fields (besides ``event_id``, ``type`` and ``ts``, ISO 8601):

- ``status``: ``gun`` (1, 2, ...), ``state`` (idle, occupied = plugged in, charging, fault, offline),
  optional ``fault`` (text);
- ``session_started``: ``gun``, ``session`` (the charger's session id), ``meter_kwh`` (the gun's
  cumulative meter), optional ``order`` (the charging order the suite asked for) and ``card``
  (a physical card number when the driver swiped one);
- ``meter``: ``gun``, ``session``, ``meter_kwh``;
- ``session_stopped``: ``gun``, ``session``, ``meter_kwh``, ``reason`` (full, user, balance, fault,
  remote, unplugged, other);
- ``space_occupied`` / ``space_freed``: ``gun`` (the space in front of it), ``plate`` (from the space
  camera).

``parse_event(kind, body)`` returns the checked fields (``meter_kwh`` as Decimal) or raises
ValueError saying what is wrong: the handler fails the event and staff see why.
"""
from decimal import Decimal

from .money import to_decimal

GUN_STATES = ("idle", "occupied", "charging", "fault", "offline")
STOP_REASONS = ("full", "user", "balance", "fault", "remote", "unplugged", "other")
FIELDS = {
    "status": ("gun", "state"),
    "session_started": ("gun", "session", "meter_kwh"),
    "meter": ("gun", "session", "meter_kwh"),
    "session_stopped": ("gun", "session", "meter_kwh", "reason"),
    "space_occupied": ("gun", "plate"),
    "space_freed": ("gun",),
}
EVENT_TYPES = tuple(FIELDS)


def _text(body, key, limit=64):
    value = body.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise ValueError("%s must be a non-empty text of at most %d characters" % (key, limit))
    return value.strip()


def parse_event(kind, body):
    if kind not in FIELDS:
        raise ValueError("unknown charger event %r" % kind)
    missing = [key for key in FIELDS[kind] if body.get(key) in (None, "")]
    if missing:
        raise ValueError("%s without %s" % (kind, ", ".join(missing)))
    result = {}
    gun = body.get("gun")
    if isinstance(gun, bool) or not isinstance(gun, int) or gun < 1:
        raise ValueError("gun must be a gun number (1, 2, ...), got %r" % (gun,))
    result["gun"] = gun
    if "state" in FIELDS[kind]:
        if body["state"] not in GUN_STATES:
            raise ValueError("state must be one of %s, got %r" % (", ".join(GUN_STATES), body["state"]))
        result["state"] = body["state"]
        result["fault"] = str(body.get("fault") or "")[:256] or None
    if "session" in FIELDS[kind]:
        result["session"] = _text(body, "session")
    if "meter_kwh" in FIELDS[kind]:
        value = body["meter_kwh"]
        if isinstance(value, float):  # JSON numbers arrive as float: take their shortest text form
            value = repr(value)
        kwh = to_decimal(value, "meter_kwh")
        if kwh < 0:
            raise ValueError("meter_kwh must not be negative")
        result["meter_kwh"] = kwh.quantize(Decimal("0.001"))
    if "reason" in FIELDS[kind]:
        reason = body["reason"]
        result["reason"] = reason if reason in STOP_REASONS else "other"
    if kind == "session_started":
        result["order"] = _text(body, "order") if body.get("order") else None
        result["card"] = _text(body, "card") if body.get("card") else None
    result["plate"] = _text(body, "plate", 16) if body.get("plate") else None
    return result
