from datetime import date, datetime, timedelta, timezone
from decimal import Decimal as D

import pytest

from ep_monthcard.lib.billing import BillingError
from ep_monthcard.lib.pass_area import EXIT_MINUTES, PASS_FEE, PassQuote, is_pass_exit, leave_before, pass_quote

ENTRY = datetime(2018, 9, 26, 8, 0)


# ------------------------------------------------------------------ seed: 场内付费0.01元，15分钟内出场

def test_seed_token_and_window():
    assert (PASS_FEE, EXIT_MINUTES) == (D("0.01"), 15)
    assert pass_quote(ENTRY, ENTRY + timedelta(minutes=5)) == PassQuote(D("0.01"), None, 5)


def test_a_long_stay_still_costs_the_token():
    quote = pass_quote(ENTRY, ENTRY + timedelta(days=2, minutes=7))
    assert quote == PassQuote(D("0.01"), None, 2 * 24 * 60 + 7)


def test_paid_then_leave_within_fifteen_minutes():
    paid = ENTRY + timedelta(hours=3)
    until = paid + timedelta(minutes=15)
    assert pass_quote(ENTRY, paid + timedelta(minutes=14), last_paid_at=paid) == PassQuote(D("0.00"), until, 194)
    assert pass_quote(ENTRY, until, last_paid_at=paid).amount_due == D("0.00"), "the last instant still counts"


def test_after_the_window_the_token_is_due_again():
    paid = ENTRY + timedelta(hours=3)
    quote = pass_quote(ENTRY, paid + timedelta(minutes=15, seconds=1), last_paid_at=paid)
    assert quote == PassQuote(D("0.01"), None, 195)


def test_payment_after_the_moment_asked_leaves_nothing_due():
    paid = ENTRY + timedelta(hours=1)
    assert pass_quote(ENTRY, ENTRY + timedelta(minutes=30), last_paid_at=paid).amount_due == D("0.00")


def test_clock_skew_counts_zero_minutes():
    assert pass_quote(ENTRY, ENTRY - timedelta(seconds=30)).minutes == 0


def test_other_fee_and_window():
    paid = ENTRY + timedelta(minutes=10)
    assert pass_quote(ENTRY, ENTRY + timedelta(minutes=1), fee="0.5").amount_due == D("0.50")
    assert pass_quote(ENTRY, paid + timedelta(minutes=20), last_paid_at=paid, exit_minutes=30).amount_due == D("0")
    assert pass_quote(ENTRY, paid + timedelta(minutes=1), last_paid_at=paid, exit_minutes=0).amount_due == D("0.01")


def test_leave_before():
    assert leave_before(datetime(2018, 12, 31, 23, 50)) == datetime(2019, 1, 1, 0, 5)
    assert leave_before(datetime(2018, 12, 31, 23, 50), 5) == datetime(2018, 12, 31, 23, 55)


@pytest.mark.parametrize("kwargs, field", [
    ({"fee": 0}, "fee"),
    ({"fee": "-0.01"}, "fee"),
    ({"fee": 0.01}, "fee"),
    ({"exit_minutes": -1}, "exit_minutes"),
    ({"exit_minutes": 1.5}, "exit_minutes"),
    ({"exit_minutes": True}, "exit_minutes"),
    ({"last_paid_at": date(2018, 9, 26)}, "paid_at"),
])
def test_nonsense_is_refused(kwargs, field):
    with pytest.raises(BillingError) as error:
        pass_quote(ENTRY, ENTRY + timedelta(minutes=5), **kwargs)
    assert error.value.field == field
    assert isinstance(error.value, ValueError)


def test_nonsense_moments_are_refused():
    with pytest.raises(BillingError):
        pass_quote("2018-09-26 08:00:00", ENTRY)
    with pytest.raises(BillingError):
        pass_quote(ENTRY, None)
    with pytest.raises(BillingError):
        pass_quote(ENTRY.replace(tzinfo=timezone.utc), ENTRY)


# ------------------------------------------------------------------ which lots

def test_pass_exit_is_another_lot_of_the_area():
    area = [1, 2, 3]
    assert is_pass_exit(1, 2, area)
    assert not is_pass_exit(1, 1, area), "at the card's own lot the month card applies"
    assert not is_pass_exit(1, 4, area), "a lot outside the area charges its tariff"
    assert is_pass_exit(9, 3, iter(area)), "the card's lot need not be in the area (seed: 彩悦大厦 → 七星商业广场)"
    assert not is_pass_exit(1, 2, [])
    with pytest.raises(BillingError):
        is_pass_exit(1, None, area)
