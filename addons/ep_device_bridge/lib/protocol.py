"""The EP device contract on MQTT: topics and JSON payloads (see the addon README).

Topics (QoS 1, UTF-8 JSON):
    ep/<site_code>/<device_code>/cmd     commands down
    ep/<site_code>/<device_code>/ack     acknowledgements up
    ep/<site_code>/<device_code>/event   device events up
    ep/<site_code>/<device_code>/status  retained presence: online / offline
    ep/<site_code>/<device_code>/receipt events stored, down: the device may forget them
"""
import json
import re
from collections import namedtuple
from datetime import datetime, timezone

PREFIX = "ep"
CHANNELS = ("cmd", "ack", "event", "status", "receipt")
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")

Topic = namedtuple("Topic", "site_code device_code channel")
Ack = namedtuple("Ack", "command_id result message data")


def check_code(code, what="code"):
    """A site or device code usable as one MQTT topic level (no / + # or spaces)."""
    if not isinstance(code, str) or not CODE_RE.match(code):
        raise ValueError("invalid %s %r: use 1-64 letters, digits, '_', '.' or '-'" % (what, code))
    return code


def topic(site_code, device_code, channel):
    if channel not in CHANNELS:
        raise ValueError("invalid channel %r: one of %s" % (channel, ", ".join(CHANNELS)))
    return "/".join((PREFIX, check_code(site_code, "site code"), check_code(device_code, "device code"), channel))


def parse_topic(name):
    parts = name.split("/") if isinstance(name, str) else []
    if len(parts) != 4 or parts[0] != PREFIX or parts[3] not in CHANNELS:
        raise ValueError("not an EP device topic: %r" % (name,))
    return Topic(check_code(parts[1], "site code"), check_code(parts[2], "device code"), parts[3])


def utc_iso(moment):
    """ISO 8601 UTC with a Z; naive datetimes are taken as UTC (Odoo stores UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def encode_command(command_id, name, args=None, ts=None):
    if not command_id or not isinstance(command_id, str):
        raise ValueError("a command needs a string id")
    if not name or not isinstance(name, str):
        raise ValueError("a command needs a name")
    if args is not None and not isinstance(args, dict):
        raise ValueError("command args must be a JSON object")
    body = {"id": command_id, "cmd": name, "args": args or {}, "ts": utc_iso(ts or datetime.now(timezone.utc))}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def decode_json(payload):
    """A JSON object from an MQTT payload (bytes or str), else ValueError."""
    try:
        text = payload.decode("utf-8") if isinstance(payload, (bytes, bytearray)) else payload
        body = json.loads(text)
    except (UnicodeDecodeError, TypeError, json.JSONDecodeError) as exc:
        raise ValueError("payload is not UTF-8 JSON: %s" % exc) from exc
    if not isinstance(body, dict):
        raise ValueError("payload must be a JSON object")
    return body


def _event_ids(ids):
    if not isinstance(ids, (list, tuple, set, frozenset)) or not ids:
        raise ValueError("a receipt needs a list of event ids")
    if not all(isinstance(event_id, str) and event_id for event_id in ids):
        raise ValueError("event ids must be non-empty strings")
    return sorted(set(ids))


def encode_receipt(event_ids):
    """The bridge's receipt to a device: these events of its are stored (now or before)."""
    body = {"event_ids": _event_ids(event_ids)}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def decode_receipt(payload):
    """The event ids of a receipt, sorted and unique."""
    return _event_ids(decode_json(payload).get("event_ids"))


def decode_ack(payload):
    body = decode_json(payload)
    command_id, result = body.get("id"), body.get("result")
    if not isinstance(command_id, str) or not command_id:
        raise ValueError("ack without a command id")
    if isinstance(result, bool) or not isinstance(result, int):
        raise ValueError("ack result must be an integer (0 = done)")
    data = body.get("data") or {}
    if not isinstance(data, dict):
        raise ValueError("ack data must be a JSON object")
    return Ack(command_id, result, str(body.get("message") or ""), data)


_TRUE = {"1", "true", "yes", "on"}


_BROKER_FIELDS = "host port username password tls ca_certs client_id_prefix"


class BrokerSettings(namedtuple("BrokerSettings", _BROKER_FIELDS)):
    """Broker address and credentials, from a mapping of ``mqtt_*`` keys (odoo.conf)."""

    @classmethod
    def from_mapping(cls, values):
        def get(key, default=""):
            value = values.get("mqtt_" + key)
            return default if value in (None, "") else str(value).strip()

        port = get("port", "1883")
        if not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError("mqtt_port must be a TCP port, got %r" % port)
        return cls(
            host=get("host", "127.0.0.1"),
            port=int(port),
            username=get("username") or None,
            password=get("password") or None,
            tls=get("tls", "false").lower() in _TRUE,
            ca_certs=get("ca_certs") or None,
            client_id_prefix=get("client_id_prefix", "ep-bridge"),
        )


Event = namedtuple("Event", "event_id type ts body")
PRESENCE = ("online", "offline")


def decode_event(payload):
    """An event from its JSON payload: device-unique ``event_id`` and ``type`` required."""
    body = decode_json(payload)
    event_id, kind = body.get("event_id"), body.get("type")
    if not isinstance(event_id, (str, int)) or isinstance(event_id, bool) or str(event_id) == "":
        raise ValueError("event without an event_id")
    if not isinstance(kind, str) or not kind:
        raise ValueError("event without a type")
    if len(str(event_id)) > 128 or len(kind) > 64:
        raise ValueError("event_id or type too long")
    return Event(str(event_id), kind, parse_ts(body.get("ts")), body)


def parse_ts(value):
    """A device timestamp (ISO 8601) as a naive UTC datetime, or None when absent/invalid."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


def decode_status(payload):
    """Presence from a status payload: True (online) / False (offline); ValueError otherwise."""
    text = payload.decode("utf-8", "replace") if isinstance(payload, (bytes, bytearray)) else str(payload)
    text = text.strip().strip('"').lower()
    if text not in PRESENCE:
        raise ValueError("status must be 'online' or 'offline', got %r" % text[:20])
    return text == "online"
