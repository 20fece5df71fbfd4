from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from ep_charging.lib.money import round_half_up, to_decimal
from ep_charging.lib.occupancy import occupancy_fee

# seed 004 §2.3: deposit 10, 15 free minutes, then 1.5 per (started) 30 minutes
RULE = {"free_after_charge_minutes": 15, "free_after_arrival_minutes": 15, "unit_minutes": 30, "unit_price": "1.5"}
T0 = datetime(2026, 11, 22, 8, 0)


def at(minutes, seconds=0):
    return T0 + timedelta(minutes=minutes, seconds=seconds)


def test_within_free_minutes_after_charging_costs_nothing():
    assert occupancy_fee(RULE, at(60), at(0), at(75), 10) == (Decimal("0.00"), Decimal("10.00"), Decimal("0.00"))


def test_each_started_unit_is_charged():
    assert occupancy_fee(RULE, at(60), at(0), at(75, 1), 10).fee == Decimal("1.50")
    assert occupancy_fee(RULE, at(60), at(0), at(105), 10).fee == Decimal("1.50")
    assert occupancy_fee(RULE, at(60), at(0), at(105, 1), 10).fee == Decimal("3.00")


def test_free_time_counts_from_arrival_without_a_charging_order():
    rule = dict(RULE, free_after_arrival_minutes=5)
    assert occupancy_fee(rule, None, at(0), at(65), "10").fee == Decimal("3.00")
    result = occupancy_fee(rule, None, at(0), at(66), "10")
    assert result == (Decimal("4.50"), Decimal("5.50"), Decimal("0.00"))


def test_shortfall_becomes_arrears():
    # 4 hours after the free 15 minutes: 8 units of 1.5 = 12 > deposit 10
    result = occupancy_fee(RULE, at(0), at(0), at(255), Decimal("10"))
    assert result == (Decimal("12.00"), Decimal("0.00"), Decimal("2.00"))


@pytest.mark.parametrize("bad", [
    {k: v for k, v in RULE.items() if k != "unit_price"},
    dict(RULE, unit_minutes=0),
    dict(RULE, unit_price="-1"),
    dict(RULE, unit_price=1.5),
    dict(RULE, free_after_charge_minutes=-1),
])
def test_invalid_rules_are_refused(bad):
    with pytest.raises(ValueError):
        occupancy_fee(bad, at(0), at(0), at(60), 10)


def test_leaving_before_arrival_is_refused():
    with pytest.raises(ValueError):
        occupancy_fee(RULE, None, at(10), at(0), 10)


def test_money_helpers():
    assert round_half_up("2.345") == Decimal("2.35")
    assert to_decimal(3) == Decimal(3)
    for bad in (1.5, True, "abc", "NaN", None):
        with pytest.raises(ValueError):
            to_decimal(bad)


def test_fee_equal_to_the_deposit_leaves_neither_refund_nor_arrears():
    # 45 minutes past the free time: 2 started units of 1.5 = 3.00, the whole deposit
    assert occupancy_fee(RULE, at(0), at(0), at(60), "3") == (Decimal("3.00"), Decimal("0.00"), Decimal("0.00"))


def test_seed_example_with_a_charging_order():
    # charged 8:00-9:00, left at 10:00: 45 minutes past the 15 free → 2 units → 3.00 of the 10.00 deposit
    assert occupancy_fee(RULE, at(60), at(0), at(120), 10) == (Decimal("3.00"), Decimal("7.00"), Decimal("0.00"))
