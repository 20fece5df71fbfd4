from decimal import Decimal

import pytest

from ep_charging.lib.charger_events import parse_event


def test_session_events():
    assert parse_event("session_started", {"gun": 1, "session": "S-1", "meter_kwh": "100.5", "order": "CO-1"}) == {
        "gun": 1, "session": "S-1", "meter_kwh": Decimal("100.500"), "order": "CO-1", "card": None, "plate": None}
    assert parse_event("meter", {"gun": 2, "session": 77, "meter_kwh": 101.25})["meter_kwh"] == Decimal("101.250")
    stopped = parse_event("session_stopped", {"gun": 1, "session": "S-1", "meter_kwh": 3, "reason": "exploded"})
    assert (stopped["meter_kwh"], stopped["reason"]) == (Decimal("3.000"), "other")


def test_status_and_space_events():
    assert parse_event("status", {"gun": 1, "state": "fault", "fault": "over temperature"})["fault"] == \
        "over temperature"
    assert parse_event("space_occupied", {"gun": 1, "plate": " 粤B12345 "})["plate"] == "粤B12345"
    assert parse_event("space_freed", {"gun": 1})["plate"] is None


@pytest.mark.parametrize("kind, body", [
    ("reboot", {"gun": 1}),
    ("meter", {"gun": 1, "session": "S-1"}),
    ("meter", {"gun": 0, "session": "S-1", "meter_kwh": 1}),
    ("meter", {"gun": True, "session": "S-1", "meter_kwh": 1}),
    ("meter", {"gun": 1, "session": "S-1", "meter_kwh": "-1"}),
    ("meter", {"gun": 1, "session": "S-1", "meter_kwh": "lots"}),
    ("meter", {"gun": 1, "session": "x" * 65, "meter_kwh": 1}),
    ("status", {"gun": 1, "state": "sleeping"}),
    ("space_occupied", {"gun": 1}),
])
def test_bad_events(kind, body):
    with pytest.raises(ValueError):
        parse_event(kind, body)
