from datetime import datetime, timedelta

import pytest

from ep_parking.lib import verification as v

NOW = datetime(2024, 5, 1, 8, 30, 0)


@pytest.mark.parametrize("typed, stored", [
    ("13800138000", "13800138000"),
    (" 138 0013 8000 ", "13800138000"),
    ("138-0013-8000", "13800138000"),
    ("+86 138 0013 8000", "13800138000"),
    ("0086-13800138000", "13800138000"),
    ("8613800138000", "13800138000"),
    ("", ""),
    (None, ""),
])
def test_normalize_phone(typed, stored):
    assert v.normalize_phone(typed) == stored


@pytest.mark.parametrize("phone", ["13800138000", "19912345678", "+86 15012345678"])
def test_valid_phones(phone):
    assert v.is_valid_phone(phone)


@pytest.mark.parametrize("phone", [
    None, "", "1380013800", "138001380001", "23800138000", "12800138000", "1380013800a", "010-12345678",
])
def test_invalid_phones(phone):
    assert not v.is_valid_phone(phone)


def test_new_code_has_six_digits_and_keeps_leading_zeros():
    assert v.new_code(lambda bound: 42) == "000042"
    assert v.new_code(lambda bound: bound - 1) == "999999"
    codes = {v.new_code() for _ in range(50)}
    assert all(v.is_code_format(code) for code in codes)
    assert len(codes) > 40  # random, not a constant


@pytest.mark.parametrize("code, ok", [
    ("123456", True), ("000000", True), ("12345", False), ("1234567", False), ("12345a", False),
    (" 123456", False), ("", False), (None, False), ("１２３４５６", False),
])
def test_code_format(code, ok):
    assert v.is_code_format(code) is ok


def test_hash_depends_on_code_salt_and_secret():
    salt = v.new_salt()
    digest = v.hash_code("123456", salt, "s3cret")
    assert digest == v.hash_code("123456", salt, "s3cret")
    assert "123456" not in digest and len(digest) == 64
    assert digest != v.hash_code("123457", salt, "s3cret")
    assert digest != v.hash_code("123456", v.new_salt(), "s3cret")
    assert digest != v.hash_code("123456", salt, "other")


def test_expiry_after_five_minutes():
    sent = NOW - timedelta(minutes=5) + timedelta(seconds=1)
    assert not v.is_expired(NOW, sent)
    assert v.is_expired(NOW, NOW - timedelta(minutes=5))


@pytest.mark.parametrize("sent_ago, attempts, used, code, outcome", [
    (timedelta(minutes=1), 0, False, "123456", None),
    (timedelta(minutes=1), 4, False, "123456", None),
    (timedelta(minutes=1), 5, False, "123456", v.LOCKED),
    (timedelta(minutes=6), 0, False, "123456", v.EXPIRED),
    (timedelta(minutes=6), 5, False, "123456", v.LOCKED),
    (timedelta(minutes=1), 0, True, "123456", v.USED),
    (timedelta(minutes=1), 0, False, "12345", v.BAD_FORMAT),
    (timedelta(minutes=6), 0, False, "12345", v.EXPIRED),
])
def test_check_before_compare(sent_ago, attempts, used, code, outcome):
    assert v.check_before_compare(NOW, NOW - sent_ago, attempts, used, code) == outcome


def test_attempts_left():
    assert v.attempts_left(0) == 5
    assert v.attempts_left(4) == 1
    assert v.attempts_left(7) == 0


def test_first_code_goes_at_once():
    assert v.resend_wait(NOW, []) == 0


def test_resend_waits_sixty_seconds():
    assert v.resend_wait(NOW, [NOW - timedelta(seconds=10)]) == 50
    assert v.resend_wait(NOW, [NOW - timedelta(seconds=59, microseconds=500000)]) == 1  # rounded up
    assert v.resend_wait(NOW, [NOW - timedelta(seconds=60)]) == 0
    assert v.resend_wait(NOW, [NOW - timedelta(minutes=30), NOW - timedelta(seconds=5)]) == 55


def test_hourly_cap_against_sms_bombing():
    # ten codes in the last hour, the oldest 50 minutes ago: wait until it leaves the window
    sent = [NOW - timedelta(minutes=50 - n * 5) for n in range(10)]
    assert v.resend_wait(NOW, sent) == 10 * 60
    # nine in the window and one older: one more is allowed after the 60 s interval
    sent = [NOW - timedelta(minutes=61)] + [NOW - timedelta(minutes=50 - n * 5) for n in range(9)]
    assert v.resend_wait(NOW, sent) == 0
