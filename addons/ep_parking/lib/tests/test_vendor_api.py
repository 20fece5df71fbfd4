import base64
import datetime as dt
from decimal import Decimal

import pytest

from ep_parking.lib import vendor_api as api

JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 100


def passage(**over):
    payload = {"event_id": "e-1", "lot": "SZ-001", "plate": "粤b·12345", "direction": "in", "gate": "gate-in-1",
               "time": "2024-05-01 08:30:00"}
    payload.update(over)
    return payload


def test_entry_is_normalised_and_time_is_utc():
    values = api.parse_passage(passage())
    assert values["plate"] == "粤B12345"
    assert values["time"] == dt.datetime(2024, 5, 1, 0, 30)  # Asia/Shanghai is UTC+8
    assert values["vehicle_kind"] == "temp"
    assert values["amount_due"] == Decimal("0.00") and values["photo"] is None


def test_time_with_offset_and_zulu():
    assert api.parse_passage(passage(time="2024-05-01T08:30:00+08:00"))["time"] == dt.datetime(2024, 5, 1, 0, 30)
    assert api.parse_passage(passage(time="2024-05-01T00:30:00Z"))["time"] == dt.datetime(2024, 5, 1, 0, 30)


def test_exit_amounts_are_decimal():
    values = api.parse_passage(passage(direction="out", amount_due="12.50", amount_paid=10, paid_online=True,
                                       order_ref="WX1"))
    assert values["amount_due"] == Decimal("12.50") and values["amount_paid"] == Decimal("10.00")
    assert values["paid_online"] is True and values["order_ref"] == "WX1"


@pytest.mark.parametrize("over, code, field", [
    ({"plate": "ABC"}, api.BAD_PLATE, "plate"),
    ({"plate": None}, api.MISSING_FIELD, "plate"),
    ({"lot": ""}, api.MISSING_FIELD, "lot"),
    ({"event_id": None}, api.MISSING_FIELD, "event_id"),
    ({"direction": "sideways"}, api.BAD_VALUE, "direction"),
    ({"time": "yesterday"}, api.BAD_VALUE, "time"),
    ({"time": 1714520000}, api.BAD_VALUE, "time"),
    ({"vehicle_kind": "vip"}, api.BAD_VALUE, "vehicle_kind"),
    ({"direction": "out", "amount_due": "-1"}, api.BAD_VALUE, "amount_due"),
    ({"direction": "out", "amount_paid": "1.005"}, api.BAD_VALUE, "amount_paid"),
    ({"direction": "out", "amount_paid": "NaN"}, api.BAD_VALUE, "amount_paid"),
    ({"direction": "out", "paid_online": "yes"}, api.BAD_VALUE, "paid_online"),
    ({"gate": {"x": 1}}, api.BAD_VALUE, "gate"),
    ({"event_id": "x" * 129}, api.BAD_VALUE, "event_id"),
])
def test_bad_passages(over, code, field):
    with pytest.raises(api.PayloadError) as info:
        api.parse_passage(passage(**over))
    assert (info.value.code, info.value.field) == (code, field)
    assert info.value.http_status == 400


def test_body_must_be_an_object():
    with pytest.raises(api.PayloadError) as info:
        api.parse_passage(["not", "an", "object"])
    assert info.value.code == api.BAD_JSON


def test_photo_rules():
    good = base64.b64encode(JPEG).decode()
    assert api.parse_passage(passage(photo=good))["photo"] == JPEG
    assert api.parse_passage(passage(photo="data:image/jpeg;base64," + good))["photo"] == JPEG
    for photo, reason in (("!!!", "not_base64"), (base64.b64encode(b"\x89PNG....").decode(), "not_jpeg"),
                          (base64.b64encode(JPEG + b"\0" * api.PHOTO_MAX_BYTES).decode(), "too_big")):
        with pytest.raises(api.PayloadError) as info:
            api.parse_passage(passage(photo=photo))
        assert info.value.code == api.BAD_PHOTO and info.value.reason == reason


def test_abnormal_opening_plate_optional():
    values = api.parse_abnormal_opening({"event_id": "a-1", "lot": "SZ-001", "gate": "gate-out-1", "kind": "remote",
                                         "time": "2024-05-01 09:00:00", "reason": "guard"})
    assert values["plate"] is None and values["kind"] == "remote"
    with pytest.raises(api.PayloadError):
        api.parse_abnormal_opening({"event_id": "a-1", "lot": "SZ-001", "gate": "g", "kind": "magic",
                                    "time": "2024-05-01 09:00:00"})


def test_heartbeat():
    assert api.parse_heartbeat({"lot": "SZ-001"}) == {"lot": "SZ-001", "devices": []}
    with pytest.raises(api.PayloadError):
        api.parse_heartbeat({"lot": "SZ-001", "devices": "gate-in-1"})


def test_status_codes():
    assert api.PayloadError(api.BAD_TOKEN).http_status == 401
    assert api.PayloadError(api.UNKNOWN_LOT).http_status == 404
    assert api.PayloadError(api.LOT_NOT_ALLOWED).http_status == 403


def test_body_size_is_checked_before_reading():
    api.check_body_size(None)
    api.check_body_size(api.BODY_MAX_BYTES)
    assert api.BODY_MAX_BYTES > (api.PHOTO_MAX_BYTES * 4) // 3, "the largest photo fits"
    with pytest.raises(api.PayloadError) as raised:
        api.check_body_size(api.BODY_MAX_BYTES + 1)
    assert (raised.value.code, raised.value.http_status) == (api.TOO_LARGE, 413)


@pytest.mark.parametrize("value", ["1e999", "100000000.00", "1E+30"])
def test_huge_amounts_are_refused_not_crashed(value):
    """Regression (fuzz run, issue 14): "1e999" made Decimal.quantize raise and the API answer 500."""
    with pytest.raises(api.PayloadError) as raised:
        api.parse_amount(value, "amount_due")
    assert raised.value.reason == "not_amount"
    assert api.parse_amount("99999999.99", "amount_due") == Decimal("99999999.99")


@pytest.mark.parametrize("devices", [0, "", False, {}, "gate-in-1"])
def test_heartbeat_devices_must_be_a_list(devices):
    """Regression (fuzz run, issue 14): ``"devices": 0`` was taken as "no device named"."""
    with pytest.raises(api.PayloadError):
        api.parse_heartbeat({"lot": "SZ-001", "devices": devices})
    assert api.parse_heartbeat({"lot": "SZ-001", "devices": None})["devices"] == []
    assert api.parse_heartbeat({"lot": "SZ-001"})["devices"] == []


def test_text_with_a_nul_character_is_refused():
    """Regression (fuzz run, issue 14): ``/ep/api/v1/fee?lot=%00`` reached PostgreSQL, which refuses NUL
    in text, and the API answered 500."""
    with pytest.raises(api.PayloadError) as raised:
        api.clean_text("SZ\x00001", "lot")
    assert raised.value.reason == "not_text"
    with pytest.raises(api.PayloadError):
        api.parse_passage(passage(event_id="e\x00"))
    assert api.clean_text("  SZ-001 ", "lot") == "SZ-001"
