from decimal import Decimal

import pytest

from ep_einvoice.lib.amounts import invoice_lines, invoice_serial, red_letter, split_tax, totals

D = Decimal
PARKING = {"name": "车辆停放服务", "category": "3040502020200000000", "rate": 5}
PROPERTY = {"name": "物业管理服务", "category": "3040801010000000000", "rate": "6"}


def test_five_percent_simplified_on_100_parking():
    assert split_tax("100.00", 5) == (D("95.24"), D("4.76"))


def test_six_percent_property():
    assert split_tax(D("106"), 6) == (D("100.00"), D("6.00"))


def test_multi_order_invoice_groups_by_fee_item():
    lines = invoice_lines([dict(PARKING, amount="7.00"), dict(PARKING, amount=3), dict(PROPERTY, amount="53.00")])
    assert lines == [("车辆停放服务", "3040502020200000000", D(5), D("10.00"), D("9.52"), D("0.48")),
                     ("物业管理服务", "3040801010000000000", D(6), D("53.00"), D("50.00"), D("3.00"))]
    assert totals(lines) == (D("63.00"), D("59.52"), D("3.48"))


def test_red_letter_cancels_the_blue_invoice():
    lines = invoice_lines([dict(PARKING, amount="100")])
    red = red_letter(lines)
    assert totals(red) == (D("-100.00"), D("-95.24"), D("-4.76"))
    assert totals(invoice_lines([dict(PARKING, amount="-100")])) == totals(red)


def test_retry_gets_the_same_serial():
    assert invoice_serial("91440300MA5F0000X1", ["TO2", "TO1"]) == invoice_serial("91440300MA5F0000X1", ["TO1", "TO2"])
    assert invoice_serial("S", ["TO1"]) != invoice_serial("S", ["TO1"], red=True)
    assert len(invoice_serial("S", ["TO1"])) == 20


@pytest.mark.parametrize("items", [
    [], [dict(PARKING, amount=0)], [dict(PARKING, amount=1.5)], [{"name": "x", "rate": 5, "amount": 1}],
    [dict(PARKING, amount=5), dict(PROPERTY, amount=-5)],
])
def test_bad_items(items):
    with pytest.raises(ValueError):
        invoice_lines(items)


@pytest.mark.parametrize("rate", [-1, 100, 5.0])
def test_bad_rates(rate):
    with pytest.raises(ValueError):
        split_tax(10, rate)
