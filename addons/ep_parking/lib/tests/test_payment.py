from datetime import datetime
from decimal import Decimal

import pytest

from ep_parking.lib import payment as pay

SECRET = "s3cret"


def notification(**overrides):
    payload = {"reference": "EP1", "transaction": "T1", "amount": "12.50", "status": "paid",
               "paid_at": "2026-11-22 10:00:00"}
    payload.update(overrides)
    return pay.signed(SECRET, payload)


def test_signed_notification_parses():
    result = pay.parse_notification(SECRET, notification())
    assert result == pay.Notification("EP1", "T1", Decimal("12.50"), "paid", datetime(2026, 11, 22, 10))


def test_signature_covers_every_field_and_key_order_does_not_matter():
    payload = notification()
    reordered = dict(reversed(list(payload.items())))
    assert pay.parse_notification(SECRET, reordered).amount == Decimal("12.50")
    tampered = dict(payload, amount="1.00")
    with pytest.raises(pay.PaymentError) as error:
        pay.parse_notification(SECRET, tampered)
    assert error.value.field == "sign"
    with pytest.raises(pay.PaymentError):
        pay.parse_notification("other", payload)


@pytest.mark.parametrize("field,value", [
    ("reference", ""), ("transaction", None), ("amount", "abc"), ("amount", "0"), ("amount", "-1"),
    ("amount", 1.5), ("status", "maybe"), ("paid_at", "22/11/2026"),
])
def test_bad_fields_are_named(field, value):
    with pytest.raises(pay.PaymentError) as error:
        pay.parse_notification(SECRET, notification(**{field: value}))
    assert error.value.field == field


def test_not_an_object_and_missing_signature():
    with pytest.raises(pay.PaymentError):
        pay.parse_notification(SECRET, ["x"])
    payload = notification()
    del payload["sign"]
    with pytest.raises(pay.PaymentError) as error:
        pay.parse_notification(SECRET, payload)
    assert error.value.field == "sign"


def test_money_accepts_int_str_decimal_and_rounds_half_up():
    assert pay.money(5) == Decimal("5.00")
    assert pay.money("2.345") == Decimal("2.35")
    assert pay.money(Decimal("0.005")) == Decimal("0.01")
    with pytest.raises(pay.PaymentError):
        pay.money("NaN")


def test_amount_due_never_negative():
    assert pay.amount_due("9", "5") == Decimal("4.00")
    assert pay.amount_due(9, 5, "10") == Decimal("0.00")
    assert pay.amount_due("9.00", "9.00") == Decimal("0.00")


def test_pay_until_adds_grace():
    assert pay.pay_until(datetime(2026, 1, 1, 23, 55), 10) == datetime(2026, 1, 2, 0, 5)
    with pytest.raises(ValueError):
        pay.pay_until(datetime(2026, 1, 1), -1)
