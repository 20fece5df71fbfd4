from datetime import date
from decimal import Decimal

import pytest

from ep_einvoice.lib.amounts import invoice_lines, invoice_serial, red_letter, totals
from ep_einvoice.lib.request import RequestError, check_request, invoice_number

SELLER = {"name": "深圳市彩生活物业管理有限公司", "tax_number": "91440300MA5F0000X1"}
COMPANY = {"name": "深圳某某科技有限公司", "tax_number": "91440300MA5DDD1234", "address": "深圳南山",
           "phone": "0755-1234567", "bank": "招商银行", "bank_account": "755912345610001"}


def _valid_tax_number():
    from ep_einvoice.lib.taxid import uscc_check_char
    first = "91440300MA5DDD123"
    return first + uscc_check_char(first)


def _request(amounts=("100.00",), red=False, **overrides):
    lines = invoice_lines([{"name": "车辆停放服务", "category": "3040502020200000000", "rate": 5, "amount": amount}
                           for amount in amounts])
    if red:
        lines = red_letter(lines)
    seller = dict(SELLER, tax_number=_valid_tax_number())
    request = {
        "serial": invoice_serial(seller["tax_number"], ["TO1"], red=red), "type": "02", "red": red,
        "original": "26441000000000000001" if red else "", "seller": seller,
        "buyer": {"name": "张三", "personal": True, "email": "zhang@example.com"},
        "lines": [line._asdict() for line in lines], "totals": totals(lines)._asdict(),
    }
    request.update(overrides)
    return request


def test_a_valid_general_invoice_to_a_person():
    assert check_request(_request())["tax"] == Decimal("4.76")


def test_red_letter_needs_the_original_and_negative_lines():
    assert check_request(_request(red=True))["gross"] == Decimal("-100.00")
    with pytest.raises(RequestError) as err:
        check_request(_request(red=True, original=""))
    assert err.value.field == "original"
    blue = _request()
    with pytest.raises(RequestError) as err:
        check_request(dict(blue, red=True, original="1"))
    assert err.value.field == "lines[0].gross"


def test_special_invoice_only_to_a_company_with_its_bank():
    with pytest.raises(RequestError) as err:
        check_request(_request(type="01"))
    assert err.value.field == "type"
    company = dict(COMPANY, tax_number=_valid_tax_number())
    assert check_request(_request(type="01", buyer=company))
    with pytest.raises(RequestError) as err:
        check_request(_request(type="01", buyer=dict(company, bank_account="")))
    assert err.value.field == "buyer.bank_account"


@pytest.mark.parametrize("buyer, field", [
    ({"name": "", "personal": True}, "buyer.name"),
    ({"name": "某公司"}, "buyer.tax_number"),
    ({"name": "某公司", "tax_number": "91440300MA5DDD1230"}, "buyer.tax_number"),
    ({"name": "张三", "personal": True, "tax_number": "91440300MA5DDD1230"}, "buyer.tax_number"),
    ({"name": "张三", "personal": True, "email": "not-an-email"}, "buyer.email"),
])
def test_bad_buyers_are_refused(buyer, field):
    with pytest.raises(RequestError) as err:
        check_request(_request(buyer=buyer))
    assert err.value.field == field


def test_a_line_with_the_wrong_tax_or_totals_is_refused():
    request = _request()
    request["lines"][0]["tax"] = Decimal("5.00")
    with pytest.raises(RequestError) as err:
        check_request(request)
    assert err.value.field == "lines[0].tax"
    request = _request(amounts=("100.00", "6.00"))
    request["totals"]["gross"] = Decimal("100.00")
    with pytest.raises(RequestError) as err:
        check_request(request)
    assert err.value.field == "totals.gross"


def test_serial_and_type_are_checked():
    with pytest.raises(RequestError):
        check_request(_request(serial="abc"))
    with pytest.raises(RequestError):
        check_request(_request(type="03"))


def test_reissue_after_a_red_letter_gets_a_new_serial():
    assert invoice_serial("S", ["TO1"], generation=1) != invoice_serial("S", ["TO1"])
    assert invoice_serial("S", ["TO1"], generation=0) == invoice_serial("S", ["TO1"])


def test_invoice_number_has_twenty_digits():
    assert invoice_number(date(2026, 12, 4), "44", 17) == "26441000000000000017"
    with pytest.raises(ValueError):
        invoice_number(date(2026, 12, 4), "4", 1)
    with pytest.raises(ValueError):
        invoice_number(date(2026, 12, 4), "44", 0)
