import json
from datetime import datetime, timedelta, timezone

import pytest

from ep_device_bridge.lib import protocol


def test_topic_round_trip():
    name = protocol.topic("LOT-001", "gate.in-1", "cmd")
    assert name == "ep/LOT-001/gate.in-1/cmd"
    assert protocol.parse_topic(name) == ("LOT-001", "gate.in-1", "cmd")


@pytest.mark.parametrize("code", ["", "a/b", "a+b", "#", "has space", "x" * 65, None, "-lead"])
def test_topic_refuses_codes_that_break_mqtt_levels(code):
    with pytest.raises(ValueError):
        protocol.topic(code, "dev", "cmd")
    with pytest.raises(ValueError):
        protocol.topic("site", code, "event")


@pytest.mark.parametrize("name", ["ep/a/b", "ep/a/b/c/d", "xx/a/b/cmd", "ep/a/b/other", "ep/a/+/cmd", 7])
def test_parse_topic_refuses_foreign_topics(name):
    with pytest.raises(ValueError):
        protocol.parse_topic(name)


def test_encode_command_is_compact_utf8_json_with_utc_time():
    local = datetime(2026, 11, 22, 9, 30, tzinfo=timezone(timedelta(hours=8)))
    raw = protocol.encode_command("c-1", "show_text", {"text": "欢迎"}, ts=local)
    assert "欢迎".encode("utf-8") in raw
    assert json.loads(raw) == {"id": "c-1", "cmd": "show_text", "args": {"text": "欢迎"},
                               "ts": "2026-11-22T01:30:00.000000Z"}


def test_encode_command_validates():
    with pytest.raises(ValueError):
        protocol.encode_command("", "open_gate")
    with pytest.raises(ValueError):
        protocol.encode_command("c-1", "open_gate", args=["not", "a", "dict"])


def test_decode_ack():
    ack = protocol.decode_ack(b'{"id": "c-1", "result": 0, "message": "ok", "data": {"n": 1}}')
    assert ack == ("c-1", 0, "ok", {"n": 1})
    assert protocol.decode_ack('{"id": "c-2", "result": 17}').data == {}


@pytest.mark.parametrize("payload", [b"\xff", b"[]", b"{}", b'{"id": "x", "result": "0"}',
                                     b'{"id": "x", "result": true}', b'{"id": "x", "result": 0, "data": 3}'])
def test_decode_ack_refuses_malformed_payloads(payload):
    with pytest.raises(ValueError):
        protocol.decode_ack(payload)


def test_broker_settings_from_odoo_conf_section():
    settings = protocol.BrokerSettings.from_mapping(
        {"mqtt_host": "10.0.0.5", "mqtt_port": "8883", "mqtt_username": "bridge", "mqtt_password": "s",
         "mqtt_tls": "True", "mqtt_ca_certs": ""})
    assert (settings.host, settings.port, settings.tls, settings.ca_certs) == ("10.0.0.5", 8883, True, None)
    assert protocol.BrokerSettings.from_mapping({}).port == 1883
    with pytest.raises(ValueError):
        protocol.BrokerSettings.from_mapping({"mqtt_port": "http"})


def test_receipt_round_trip():
    payload = protocol.encode_receipt(["e-2", "e-1", "e-2"])
    assert payload == b'{"event_ids":["e-1","e-2"]}'
    assert protocol.decode_receipt(payload) == ["e-1", "e-2"]
    assert protocol.topic("LOT-1", "gate-in-1", "receipt") == "ep/LOT-1/gate-in-1/receipt"


@pytest.mark.parametrize("payload", [b"{}", b'{"event_ids": []}', b'{"event_ids": "e-1"}', b'{"event_ids": [1]}',
                                     b'{"event_ids": [""]}', b"[]", b"\xff"])
def test_decode_receipt_refuses_malformed_payloads(payload):
    with pytest.raises(ValueError):
        protocol.decode_receipt(payload)


def test_encode_receipt_needs_ids():
    with pytest.raises(ValueError):
        protocol.encode_receipt([])
