from decimal import Decimal

import pytest

from ep_charging.lib.wallet import can_start, debit, refund, top_up

D = Decimal


def test_minimum_balance_to_start():
    assert can_start("2.00", 2)
    assert not can_start("1.99", "2")


def test_top_up_debit_refund():
    assert top_up("10", "20.005") == D("30.01")
    assert debit("30.01", "8.80") == (D("8.80"), D("0.00"), D("21.21"))
    assert debit("5", "8.80") == (D("5.00"), D("3.80"), D("0.00")), "the balance never goes negative"
    assert refund("21.21") == D("0.00")
    assert refund("21.21", "1.21") == D("20.00")


@pytest.mark.parametrize("call", [lambda: top_up(1, 0), lambda: debit(1, "-1"), lambda: refund(1, 2),
                                  lambda: refund(0), lambda: top_up(1, 0.5)])
def test_bad_amounts(call):
    with pytest.raises(ValueError):
        call()
