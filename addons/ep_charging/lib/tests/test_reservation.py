from datetime import datetime
from decimal import Decimal

import pytest

from ep_charging.lib.reservation import admits, book

RULE = {"minutes": 60, "fee": "5", "daily_limit": 3}  # seed 004 §2.2
TEN = datetime(2026, 12, 3, 10, 0)


def test_seed_booking_holds_the_space_for_an_hour():
    booking = book(RULE, TEN, made_today=0)
    assert booking == (TEN, datetime(2026, 12, 3, 11, 0), Decimal("5.00"))
    reserved = ("粤B12345", booking.start, booking.end)
    assert admits(reserved, "粤B12345", datetime(2026, 12, 3, 10, 30))
    assert not admits(reserved, "粤B99999", datetime(2026, 12, 3, 10, 59))
    assert admits(reserved, "粤B99999", datetime(2026, 12, 3, 11, 0)), "free again when it ends"


def test_daily_limit():
    assert book(RULE, TEN, made_today=2)
    with pytest.raises(ValueError, match="daily limit"):
        book(RULE, TEN, made_today=3)


@pytest.mark.parametrize("rule", [dict(RULE, minutes=0), dict(RULE, daily_limit=True), dict(RULE, fee="-1"),
                                  dict(RULE, fee=5.0)])
def test_bad_rules(rule):
    with pytest.raises(ValueError):
        book(rule, TEN, 0)
