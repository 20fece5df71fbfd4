import base64
from datetime import datetime, timedelta

import pytest

from ep_device_bridge.lib import mosquitto, protocol, retry


def test_retry_delay_doubles_up_to_the_cap():
    assert [retry.retry_delay(n, 10, 300) for n in range(1, 8)] == [10, 20, 40, 80, 160, 300, 300]
    assert retry.retry_delay(1000, 10, 300) == 300
    with pytest.raises(ValueError):
        retry.retry_delay(0)


def test_give_up_reason():
    now = datetime(2026, 11, 22, 8)
    assert retry.give_up_reason(2, 5, now, None) is None
    assert "5 attempt" in retry.give_up_reason(5, 5, now, None)
    assert "deadline" in retry.give_up_reason(1, 5, now, now - timedelta(seconds=1))
    assert retry.give_up_reason(1, 5, now, now + timedelta(seconds=1)) is None
    assert retry.next_attempt_at(now, 2, 10, 300) == now + timedelta(seconds=20)


def test_password_hash_format_and_check():
    hashed = mosquitto.password_hash("secret", salt=b"0123456789ab")
    kind, iterations, salt, digest = hashed.split("$")[1:]
    assert (kind, iterations, base64.b64decode(salt)) == ("7", "101", b"0123456789ab")
    assert len(base64.b64decode(digest)) == 64
    assert mosquitto.check_password("secret", hashed)
    assert not mosquitto.check_password("Secret", hashed)
    assert not mosquitto.check_password("secret", "$6$x$y")
    assert mosquitto.password_hash("secret") != mosquitto.password_hash("secret")  # random salt
    with pytest.raises(ValueError):
        mosquitto.password_hash("")


def test_merge_password_file():
    text = "ep-bridge:$7$bridge\nold-gate:$7$old\ngate-1:$7$previous\n"
    merged = mosquitto.merge_password_file(text, {"gate-1": "$7$new", "gate-2": "$7$two"},
                                           managed={"old-gate", "gate-1", "gate-2"})
    assert merged == "ep-bridge:$7$bridge\ngate-1:$7$new\ngate-2:$7$two\n"
    with pytest.raises(ValueError):
        mosquitto.merge_password_file("", {"bad:user": "$7$x"}, set())


def test_decode_event():
    event = protocol.decode_event(b'{"event_id": 42, "type": "entry", "ts": "2026-11-22T08:00:00+08:00", "plate": "x"}')
    assert (event.event_id, event.type, event.ts) == ("42", "entry", datetime(2026, 11, 22, 0, 0))
    assert event.body["plate"] == "x"
    assert protocol.decode_event('{"event_id": "a", "type": "t", "ts": "garbage"}').ts is None


@pytest.mark.parametrize("payload", [b'{"type": "entry"}', b'{"event_id": "", "type": "entry"}',
                                     b'{"event_id": "a"}', b'{"event_id": true, "type": "x"}', b"[1]"])
def test_decode_event_refuses(payload):
    with pytest.raises(ValueError):
        protocol.decode_event(payload)


def test_decode_status():
    assert protocol.decode_status(b"online") is True
    assert protocol.decode_status(b'"OFFLINE"') is False
    with pytest.raises(ValueError):
        protocol.decode_status(b"maybe")
