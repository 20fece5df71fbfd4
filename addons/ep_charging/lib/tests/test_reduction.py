from decimal import Decimal

import pytest

from ep_charging.lib.reduction import earns_reduction, reduction_amount


def test_earning():
    assert earns_reduction("5.000", 5)
    assert not earns_reduction("4.999", "5")
    assert earns_reduction("0.1", 0)
    assert not earns_reduction(0, 0), "a session that charged nothing earns nothing"


def test_amounts():
    assert reduction_amount("amount", "5", "7.00") == Decimal("5.00")
    assert reduction_amount("amount", 10, "7") == Decimal("7.00")
    assert reduction_amount("free", 0, "12.5") == Decimal("12.50")
    assert reduction_amount("amount", 5, "-1") == Decimal("0.00")


@pytest.mark.parametrize("kind, value", [("minutes", 30), ("amount", "-1"), ("amount", 1.5)])
def test_bad(kind, value):
    with pytest.raises(ValueError):
        reduction_amount(kind, value, 10)
