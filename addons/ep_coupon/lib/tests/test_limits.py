from datetime import date, datetime, timedelta, timezone

import pytest

from ep_coupon.lib.limits import period_bounds


def test_day():
    assert period_bounds("day", datetime(2026, 11, 22, 17, 5)) == (datetime(2026, 11, 22), datetime(2026, 11, 23))


def test_week_runs_monday_to_monday():
    # 2026-11-22 is a Sunday: its week began on Monday the 16th.
    assert period_bounds("week", datetime(2026, 11, 22, 23, 59)) == (datetime(2026, 11, 16), datetime(2026, 11, 23))
    assert period_bounds("week", datetime(2026, 11, 23)) == (datetime(2026, 11, 23), datetime(2026, 11, 30))


def test_month_including_december_and_dates():
    assert period_bounds("month", datetime(2026, 12, 31, 10)) == (datetime(2026, 12, 1), datetime(2027, 1, 1))
    assert period_bounds("month", date(2024, 2, 29)) == (datetime(2024, 2, 1), datetime(2024, 3, 1))


def test_end_is_exclusive_and_contains_when():
    for kind in ("day", "week", "month"):
        when = datetime(2026, 3, 31, 12, tzinfo=timezone(timedelta(hours=8)))
        start, end = period_bounds(kind, when)
        assert start <= when < end
        assert start.tzinfo is when.tzinfo


def test_unknown_kind():
    with pytest.raises(ValueError):
        period_bounds("year", datetime(2026, 1, 1))
