from decimal import Decimal

import pytest

from ep_parking.lib.money import allocate, round_half_up, to_decimal

D = Decimal


def test_allocate_in_proportion_and_adds_up():
    assert allocate("10.00", [D("6.43"), D("2.57")]) == [D("7.14"), D("2.86")]
    parts = allocate(D("0.05"), [1, 1, 1])
    assert parts == [D("0.02"), D("0.02"), D("0.01")] and sum(parts) == D("0.05")


def test_allocate_zero_weights_and_bad_weights():
    assert allocate(7, [0, 0]) == [D("0.00"), D("7.00")]
    with pytest.raises(ValueError):
        allocate(7, [])
    with pytest.raises(ValueError):
        allocate(7, [1, -1])
    with pytest.raises(ValueError):
        allocate(7, [1.5, 1])


def test_money_refuses_floats_and_rounds_half_up():
    with pytest.raises(ValueError):
        to_decimal(1.5)
    assert round_half_up("2.345") == D("2.35")
