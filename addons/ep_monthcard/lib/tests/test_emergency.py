from datetime import datetime, timedelta

import pytest

from ep_monthcard.lib import emergency as em

NOW = datetime(2026, 12, 7, 8, 0, 0)


def test_new_code_keeps_leading_zeros_and_length():
    assert em.new_code(lambda bound: 7) == "0007"
    assert em.new_code(lambda bound: bound - 1) == "9999"
    codes = {em.new_code() for _ in range(50)}
    assert all(len(code) == em.CODE_LENGTH and code.isdigit() for code in codes)
    assert len(codes) > 1


@pytest.mark.parametrize("state, enabled, start, end, refusal", [
    ("in_use", True, NOW - timedelta(days=30), NOW + timedelta(days=1), None),
    ("created", True, None, NOW + timedelta(seconds=1), None),
    ("in_use", False, NOW - timedelta(days=30), NOW + timedelta(days=1), "not_enabled"),
    ("disabled", True, NOW - timedelta(days=30), NOW + timedelta(days=1), "not_valid"),
    ("cancelled", True, NOW - timedelta(days=30), NOW + timedelta(days=1), "not_valid"),
    ("in_use", True, NOW - timedelta(days=30), NOW - timedelta(seconds=1), "out_of_validity"),
    ("created", True, NOW + timedelta(days=1), NOW + timedelta(days=30), "out_of_validity"),
    ("in_use", True, NOW - timedelta(days=30), None, "out_of_validity"),
])
def test_card_refusal(state, enabled, start, end, refusal):
    assert em.card_refusal(state, enabled, start, end, NOW) == refusal


def test_check_code_outcomes():
    expires = em.code_expiry(NOW)
    assert expires == NOW + timedelta(minutes=em.CODE_MINUTES)
    assert em.check_code("0421", "0421", expires, NOW, 0) == em.OK
    assert em.check_code("0421", " 04 21 ", expires, NOW, 0) == em.OK
    assert em.check_code("0421", "421", expires, NOW, 0) == em.WRONG
    assert em.check_code("0421", "", expires, NOW, 0) == em.WRONG
    assert em.check_code("0421", None, expires, NOW, 0) == em.WRONG
    assert em.check_code("0421", "0421", expires, expires + timedelta(seconds=1), 0) == em.EXPIRED
    assert em.check_code("0421", "0421", expires, expires, 0) == em.OK, "the last second still counts"
    assert em.check_code("0421", "0421", expires, NOW, em.MAX_ATTEMPTS - 1) == em.OK
    assert em.check_code("0421", "0421", expires, NOW, em.MAX_ATTEMPTS) == em.LOCKED
    assert em.check_code("0421", "0421", expires, NOW, 0, used=True) == em.USED
