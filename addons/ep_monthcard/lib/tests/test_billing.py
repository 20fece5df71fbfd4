import math
import pickle
import random
from datetime import date, datetime, timedelta
from decimal import Decimal as D
from fractions import Fraction

import pytest
from dateutil.relativedelta import relativedelta

from ep_monthcard.lib import billing as bill
from ep_monthcard.lib.billing import (
    BillingError,
    Quote,
    check_suspension_request,
    discount_quote,
    match_bank_debit,
    renewal_quote,
    rule_change_end,
    suspension_extension,
)


def end_of(*args):
    return datetime(*args, 23, 59, 59)


def keys(quote):
    return [label.key for label, _amount in quote.lines]


# ------------------------------------------------------------------ seed examples

def test_seed_cross_month():
    quote = renewal_quote(30, 1, 2, datetime(2018, 9, 26), cross_month=True)
    assert quote == Quote(D("60.00"), datetime(2018, 9, 26), end_of(2018, 11, 25), quote.lines)
    assert quote.lines == [("2018-09-26 – 2018-11-25 (2 × 30.00)", D("60.00"))]
    assert quote.lines[0][0].key == "months"
    assert quote.lines[0][0].params == {"start": "2018-09-26", "end": "2018-11-25", "count": 2, "price": "30.00"}


def test_seed_natural_month():
    quote = renewal_quote(30, 1, 2, datetime(2018, 9, 26), cross_month=False)
    assert (quote.amount, quote.start, quote.end) == (D("35.00"), datetime(2018, 9, 26), end_of(2018, 10, 31))
    assert quote.lines == [("2018-09-26 – 2018-09-30 (5/30 days)", D("5.00")),
                           ("2018-10-01 – 2018-10-31 (1 × 30.00)", D("30.00"))]
    assert keys(quote) == ["partial", "months"]
    assert quote.lines[0][0].params == {"start": "2018-09-26", "end": "2018-09-30", "days": 5, "month_days": 30}


def test_seed_rule_change_halves_the_remaining_time():
    now = datetime(2018, 3, 1, 9, 30)
    assert rule_change_end(now, now + timedelta(days=20), 100, 200) == now + timedelta(days=10)
    # with the 23:59:59 convention the end stays on the last second of a day
    assert rule_change_end(datetime(2018, 3, 1), end_of(2018, 3, 20), "100", D("200")) == end_of(2018, 3, 10)


def test_seed_discount_card_to_end_of_2017():
    offer = {"mode": "fixed_reduction", "amount": 200, "discount_start": date(2017, 12, 30)}
    # the card is valid to 2017-12-31 23:59:59: the purchased period starts the instant after
    quote = discount_quote(100, 1, 12, datetime(2018, 1, 1), offer, datetime(2017, 12, 20), 0)
    assert (quote.amount, quote.end) == (D("1000.00"), end_of(2018, 12, 31))
    assert quote.lines == [("2018-01-01 – 2018-12-31 (12 × 100.00)", D("1200.00")), ("Discount 200.00", D("-200.00"))]
    assert keys(quote) == ["months", "reduction"] and quote.discounted
    # a caller passing the card's last day as the start gets the same price
    assert discount_quote(100, 1, 12, date(2017, 12, 31), offer, date(2017, 12, 20), 0).amount == D("1000.00")


@pytest.mark.parametrize("months, amount, discounted", [(12, "2400.00", False), (13, "2200.00", True)])
def test_seed_discount_first_month_before_discount_start(months, amount, discounted):
    offer = {"mode": "fixed_reduction", "amount": 400, "min_months": 12, "discount_start": date(2018, 7, 30)}
    quote = discount_quote(200, 1, months, datetime(2018, 6, 30), offer, datetime(2018, 8, 1), 0)
    assert quote.amount == D(amount) and quote.discounted is discounted
    assert quote.end == datetime(2018, 6, 30) + relativedelta(months=months) - timedelta(seconds=1)


def test_seed_bank_debit():
    assert match_bank_debit(300, [("A", 100)]) == {"A": 3}
    assert match_bank_debit("550.00", [("A", 250), ("B", D("300"))]) == {"A": 1, "B": 1}


def test_seed_suspension():
    now = datetime(2018, 5, 1, 10)
    card_end = end_of(2018, 8, 31)
    assert suspension_extension(card_end, datetime(2018, 5, 2), datetime(2018, 5, 22), now) == timedelta(days=20)
    assert suspension_extension(card_end, datetime(2018, 5, 2), datetime(2018, 5, 17), now) == timedelta(days=15)
    # an early resume (under 15 days) earns nothing
    assert suspension_extension(card_end, datetime(2018, 5, 2), datetime(2018, 5, 16, 23), now) == timedelta(0)
    with pytest.raises(BillingError, match="暂停时间需要≥15天") as error:
        check_suspension_request(datetime(2018, 5, 2), datetime(2018, 5, 16))
    assert error.value.field == "resume_at" and error.value.reason == "暂停时间需要≥15天"
    assert check_suspension_request(datetime(2018, 5, 2), datetime(2018, 5, 17)) == 15


# ------------------------------------------------------------------ renewal edge cases

@pytest.mark.parametrize("start, months, end", [
    (datetime(2019, 1, 31), 1, end_of(2019, 2, 27)),     # Jan 31 + 1 month = Feb 28, minus 1 s
    (datetime(2020, 1, 31), 1, end_of(2020, 2, 28)),     # leap year: Feb 29, minus 1 s
    (datetime(2019, 1, 31), 2, end_of(2019, 3, 30)),     # counted from the start, not chained
    (datetime(2020, 2, 29), 12, end_of(2021, 2, 27)),
    (datetime(2018, 12, 15), 1, end_of(2019, 1, 14)),    # year rollover
    (datetime(2018, 12, 1), 12, end_of(2019, 11, 30)),
    (datetime(2018, 3, 1), 1, end_of(2018, 3, 31)),
    (datetime(2018, 3, 10, 14, 30), 1, datetime(2018, 4, 10, 14, 29, 59)),
])
def test_cross_month_end(start, months, end):
    quote = renewal_quote("30", 1, months, start, True)
    assert quote.end == end == start + relativedelta(months=months) - timedelta(seconds=1)
    assert quote.amount == D(30 * months)


@pytest.mark.parametrize("start, months, amount, end, first_line", [
    (datetime(2019, 2, 15), 1, "7.50", end_of(2019, 2, 28), "2019-02-15 – 2019-02-28 (14/28 days)"),
    (datetime(2020, 2, 15), 1, "7.76", end_of(2020, 2, 29), "2020-02-15 – 2020-02-29 (15/29 days)"),
    (datetime(2019, 1, 31), 2, "15.48", end_of(2019, 2, 28), "2019-01-31 – 2019-01-31 (1/31 days)"),
    (datetime(2018, 12, 20), 2, "20.81", end_of(2019, 1, 31), "2018-12-20 – 2018-12-31 (12/31 days)"),
    (datetime(2018, 12, 1), 12, "180.00", end_of(2019, 11, 30), "2018-12-01 – 2019-11-30 (12 × 15.00)"),
    (datetime(2018, 9, 1), 1, "15.00", end_of(2018, 9, 30), "2018-09-01 – 2018-09-30 (1 × 15.00)"),
    # not a midnight: the start day still counts whole
    (datetime(2018, 9, 1, 8), 1, "15.00", end_of(2018, 9, 30), "2018-09-01 – 2018-09-30 (30/30 days)"),
    (datetime(2018, 9, 30, 12), 1, "0.50", end_of(2018, 9, 30), "2018-09-30 – 2018-09-30 (1/30 days)"),
])
def test_natural_month(start, months, amount, end, first_line):
    quote = renewal_quote(15, 1, months, start, False)
    assert (quote.amount, quote.end, quote.lines[0][0]) == (D(amount), end, first_line)


def test_natural_month_rounds_half_up():
    # September from the 16th: 15/30 days; 0.31 x 15 / 30 = 0.155 -> 0.16
    assert renewal_quote("0.31", 1, 1, datetime(2018, 9, 16), False).amount == D("0.16")
    assert renewal_quote("0.01", 1, 1, datetime(2018, 9, 16), False).amount == D("0.01")   # 0.005 -> 0.01
    assert renewal_quote("0.01", 1, 1, datetime(2018, 9, 17), False).amount == D("0.00")   # 0.0047


def test_spaces_multiply_the_fee():
    quote = renewal_quote(D("120.5"), 3, 12, datetime(2018, 1, 1), True)
    assert quote.amount == D("4338.00") and quote.lines[0][0] == "2018-01-01 – 2018-12-31 (12 × 361.50)"
    assert renewal_quote(30, 2, 2, datetime(2018, 9, 26), False).amount == D("70.00")


def test_free_card():
    quote = renewal_quote(0, 1, 3, datetime(2018, 1, 10), False)
    assert quote.amount == D("0.00") and quote.end == end_of(2018, 3, 31)


@pytest.mark.parametrize("args, field", [
    ((30, 1, 0, datetime(2018, 1, 1), True), "months"),
    ((30, 1, -1, datetime(2018, 1, 1), True), "months"),
    ((30, 1, 1.0, datetime(2018, 1, 1), True), "months"),
    ((30, 1, True, datetime(2018, 1, 1), True), "months"),
    ((30, 0, 1, datetime(2018, 1, 1), True), "spaces"),
    ((-1, 1, 1, datetime(2018, 1, 1), True), "price"),
    ((30.0, 1, 1, datetime(2018, 1, 1), True), "price"),
    (("abc", 1, 1, datetime(2018, 1, 1), True), "price"),
    (("NaN", 1, 1, datetime(2018, 1, 1), True), "price"),
    ((None, 1, 1, datetime(2018, 1, 1), True), "price"),
    ((30, 1, 1, "2018-01-01", True), "start"),
    ((30, 1, 1, None, True), "start"),
    ((30, 1, 1, datetime(2018, 1, 1, tzinfo=__import__("datetime").timezone.utc), True), "start"),
    ((30, 1, 12, datetime(9999, 3, 1), True), "months"),
    ((30, 1, 12, datetime(9999, 3, 1), False), "months"),
])
def test_renewal_invalid_input_names_the_field(args, field):
    with pytest.raises(ValueError, match="^%s: " % field) as error:
        renewal_quote(*args)
    assert error.value.field == field


def test_money():
    assert bill.money("1.005") == D("1.01") and bill.money(3) == D("3.00") and bill.money(" -2.5 ") == D("-2.50")
    for bad in (1.5, True, "x", None, [1], D("Infinity")):
        with pytest.raises(ValueError, match="^fee: "):
            bill.money(bad, "fee")


def test_labels_pickle_and_translate_by_key():
    label = renewal_quote(30, 1, 2, datetime(2018, 9, 26), False).lines[0][0]
    again = pickle.loads(pickle.dumps(label))
    assert again == label and again.key == "partial" and again.params == label.params
    assert bill.LABELS[label.key] % label.params == label


# ------------------------------------------------------------------ discounts

OFFER = {"mode": "fixed_price", "amount": 80, "min_months": 3, "discount_start": datetime(2018, 3, 1),
         "buy_start": date(2018, 1, 1), "buy_end": date(2018, 1, 31), "monthly_limit": 1}


def offer(**changes):
    return dict(OFFER, **changes)


def test_fixed_price_months_before_discount_start_pay_full():
    quote = discount_quote(100, 2, 5, datetime(2018, 1, 1), OFFER, datetime(2018, 1, 31, 22), 0)
    assert quote.lines == [("2018-01-01 – 2018-02-28 (2 × 200.00)", D("400.00")),
                           ("2018-03-01 – 2018-05-31 (3 × 160.00, offer)", D("480.00"))]
    assert quote.amount == D("880.00") and quote.discounted and quote.end == end_of(2018, 5, 31)


def test_fixed_price_natural_month_partial_pro_rata():
    quote = discount_quote(100, 1, 4, datetime(2018, 3, 16), OFFER, date(2018, 1, 5), 0, cross_month=False)
    assert quote.lines == [("2018-03-16 – 2018-03-31 (16/31 days, offer)", D("41.29")),
                           ("2018-04-01 – 2018-06-30 (3 × 80.00, offer)", D("240.00"))]
    assert quote.amount == D("281.29")


def test_min_months_counts_only_eligible_months():
    assert not discount_quote(100, 1, 4, datetime(2018, 1, 1), OFFER, date(2018, 1, 5), 0).discounted
    assert discount_quote(100, 1, 4, datetime(2018, 1, 1), OFFER, date(2018, 1, 5), 0).amount == D("400.00")
    assert discount_quote(100, 1, 5, datetime(2018, 1, 1), OFFER, date(2018, 1, 5), 0).discounted


@pytest.mark.parametrize("purchase, used, changes, discounted", [
    (datetime(2018, 1, 31, 23, 59, 59), 0, {}, True),           # buy_end as a date: its whole day
    (datetime(2018, 2, 1), 0, {}, False),                       # after the window
    (datetime(2017, 12, 31, 23), 0, {}, False),                 # before the window
    (datetime(2018, 1, 10), 1, {}, False),                      # monthly limit reached
    (datetime(2018, 1, 10), 5, {"monthly_limit": None}, True),  # unlimited
    (datetime(2018, 1, 10), 0, {"monthly_limit": 0}, False),
    (datetime(2018, 1, 10), 0, {"active": False}, False),
    (datetime(2018, 1, 10), 0, {"buy_end": datetime(2018, 1, 10)}, True),
    (datetime(2018, 1, 10, 0, 0, 1), 0, {"buy_end": datetime(2018, 1, 10)}, False),
    (datetime(2030, 1, 10), 0, {"buy_start": None, "buy_end": None}, True),
    (datetime(2018, 1, 10), 0, {"amount": 100}, False),         # not below the price: no offer
    (datetime(2018, 1, 10), 0, {"amount": 120}, False),
])
def test_offer_conditions(purchase, used, changes, discounted):
    quote = discount_quote(100, 1, 6, datetime(2018, 3, 1), offer(**changes), purchase, used)
    assert quote.discounted is discounted
    assert quote.amount == (D("480.00") if discounted else D("600.00"))


def test_fixed_reduction_once_per_order_and_capped_by_eligible_months():
    reduction = offer(mode="fixed_reduction", amount="150", min_months=1)
    quote = discount_quote(100, 3, 2, datetime(2018, 3, 1), reduction, date(2018, 1, 2), 0)
    assert quote.amount == D("450.00") and keys(quote) == ["months", "reduction"]
    # only one eligible month of 50: the reduction stops at 50
    quote = discount_quote(50, 1, 2, datetime(2018, 2, 1), offer(mode="fixed_reduction", amount=500, min_months=1),
                           date(2018, 1, 2), 0)
    assert quote.lines[-1] == ("Discount 50.00", D("-50.00")) and quote.amount == D("50.00")
    assert not discount_quote(50, 1, 2, datetime(2018, 3, 1), offer(mode="fixed_reduction", amount=0, min_months=1),
                              date(2018, 1, 2), 0).discounted


def test_discount_start_defaults_to_every_month():
    plain = {"mode": "fixed_price", "amount": "90"}
    quote = discount_quote(100, 1, 12, datetime(2018, 1, 31), plain, date(2020, 1, 1), 7)
    assert quote.amount == D("1080.00") and keys(quote) == ["offer_months"]
    assert quote.end == renewal_quote(100, 1, 12, datetime(2018, 1, 31), True).end


@pytest.mark.parametrize("discount, field", [
    ({"mode": "half", "amount": 1}, "discount.mode"),
    ({"amount": 1}, "discount.mode"),
    ({"mode": "fixed_price"}, "discount.amount"),
    ({"mode": "fixed_price", "amount": -1}, "discount.amount"),
    ({"mode": "fixed_price", "amount": 1, "min_months": 0}, "discount.min_months"),
    ({"mode": "fixed_price", "amount": 1, "monthly_limit": -1}, "discount.monthly_limit"),
    ({"mode": "fixed_price", "amount": 1, "discount_start": "2018-01-01"}, "discount.discount_start"),
    ({"mode": "fixed_price", "amount": 1, "buy_start": date(2018, 2, 1), "buy_end": date(2018, 1, 1)},
     "discount.buy_end"),
    ({"mode": "fixed_price", "amount": 1, "active": "yes"}, "discount.active"),
    ([("mode", "fixed_price")], "discount"),
])
def test_discount_invalid_input_names_the_field(discount, field):
    with pytest.raises(BillingError) as error:
        discount_quote(100, 1, 1, datetime(2018, 1, 1), discount, date(2018, 1, 1), 0)
    assert error.value.field == field


def test_discount_invalid_purchase_and_usage():
    with pytest.raises(BillingError, match="^purchase_date: "):
        discount_quote(100, 1, 1, datetime(2018, 1, 1), OFFER, None, 0)
    with pytest.raises(BillingError, match="^used_this_month: "):
        discount_quote(100, 1, 1, datetime(2018, 1, 1), OFFER, date(2018, 1, 1), -1)
    with pytest.raises(BillingError, match="^months: "):
        discount_quote(100, 1, 0, datetime(2018, 1, 1), OFFER, date(2018, 1, 1), 0)


# ------------------------------------------------------------------ rule change

def test_rule_change_both_ways_and_truncation():
    now = datetime(2018, 1, 1)
    assert rule_change_end(now, now + timedelta(days=10), 200, 100) == now + timedelta(days=20)
    assert rule_change_end(now, now + timedelta(seconds=10), 100, 300) == now + timedelta(seconds=3)  # 3.33 s
    assert rule_change_end(now, now + timedelta(days=30), 150, 150) == now + timedelta(days=30)
    assert rule_change_end(now, now + timedelta(days=30), 0, 150) == now
    assert rule_change_end(now, now + timedelta(seconds=1, microseconds=999999), 1, 1) == now + timedelta(seconds=1)


def test_rule_change_of_an_expired_card_keeps_its_end():
    now = datetime(2018, 1, 10)
    assert rule_change_end(now, datetime(2018, 1, 5), 100, 200) == datetime(2018, 1, 5)
    assert rule_change_end(now, now, 100, 200) == now


@pytest.mark.parametrize("args, field", [
    ((datetime(2018, 1, 1), datetime(2018, 2, 1), 100, 0), "new_price"),
    ((datetime(2018, 1, 1), datetime(2018, 2, 1), -1, 100), "old_price"),
    ((datetime(2018, 1, 1), datetime(2018, 2, 1), 100.0, 100), "old_price"),
    ((None, datetime(2018, 2, 1), 100, 100), "now"),
    ((datetime(2018, 1, 1), "2018-02-01", 100, 100), "current_end"),
    ((datetime(9000, 1, 1), datetime(9999, 1, 1), 1000, 1), "new_price"),
])
def test_rule_change_invalid_input(args, field):
    with pytest.raises(BillingError) as error:
        rule_change_end(*args)
    assert error.value.field == field


# ------------------------------------------------------------------ bank debit

@pytest.mark.parametrize("amount, cards, expected", [
    (100, [("A", 100)], {"A": 1}),
    (1200, [("A", 100)], {"A": 12}),
    (250, [("A", 100)], None),                          # not a whole number of months
    (300, [("A", 100), ("B", 200)], {"A": 1, "B": 1}),
    (900, [("A", 100), ("B", 200)], {"A": 3, "B": 3}),
    (200, [("A", 100), ("B", 200)], None),              # B alone (or A twice): no subset match
    (400, [("A", 100), ("B", 200)], None),              # A x 2 + B x 1 is not "N months each"
    ("0.00", [("A", 100)], None),
    (-300, [("A", 100)], None),
    (300, [], None),
    ("550.5", [("A", "250.25"), ("B", "300.25")], {"A": 1, "B": 1}),
    (D("1101.00"), [("A", "250.25"), ("B", "300.25")], {"A": 2, "B": 2}),
])
def test_bank_debit(amount, cards, expected):
    assert match_bank_debit(amount, cards) == expected


@pytest.mark.parametrize("amount, cards, field", [
    (300, [("A", 0)], "cards[0].monthly_fee"),
    (300, [("A", 100), ("B", -100)], "cards[1].monthly_fee"),
    (300, [("A", 100), ("A", 100)], "cards[1]"),
    (300, [("A",)], "cards[0]"),
    (300, {"A": 100}, "cards"),
    (300.0, [("A", 100)], "amount"),
    (None, [("A", 100)], "amount"),
])
def test_bank_debit_invalid_input(amount, cards, field):
    with pytest.raises(BillingError) as error:
        match_bank_debit(amount, cards)
    assert error.value.field == field


# ------------------------------------------------------------------ suspension

def test_suspension_needs_one_more_month_of_validity():
    now = datetime(2019, 1, 31, 10)
    # now + 1 month = 2019-02-28 10:00 (clamped)
    assert suspension_extension(datetime(2019, 2, 28, 10), now, now + timedelta(days=15), now) == timedelta(days=15)
    with pytest.raises(BillingError, match="^card_end: "):
        suspension_extension(datetime(2019, 2, 28, 9, 59, 59), now, now + timedelta(days=15), now)


@pytest.mark.parametrize("args, field", [
    ((end_of(2018, 12, 31), datetime(2018, 6, 20), datetime(2018, 6, 1), datetime(2018, 6, 1)), "resume_at"),
    ((end_of(2018, 12, 31), datetime(2019, 1, 1), datetime(2019, 2, 1), datetime(2018, 6, 1)), "suspend_from"),
    ((end_of(2018, 12, 31), "2018-06-01", datetime(2018, 7, 1), datetime(2018, 6, 1)), "suspend_from"),
    ((None, datetime(2018, 6, 1), datetime(2018, 7, 1), datetime(2018, 6, 1)), "card_end"),
    ((end_of(2018, 12, 31), datetime(2018, 6, 1), datetime(2018, 7, 1), datetime(9999, 12, 1)), "now"),
])
def test_suspension_invalid_input(args, field):
    with pytest.raises(BillingError) as error:
        suspension_extension(*args)
    assert error.value.field == field


def test_check_suspension_request_order():
    with pytest.raises(BillingError, match="^resume_at: before suspend_from"):
        check_suspension_request(datetime(2018, 6, 20), datetime(2018, 6, 1))
    assert check_suspension_request(date(2018, 6, 1), date(2018, 7, 1)) == 30


# ------------------------------------------------------------------ properties (seeded random, no hypothesis)

def test_quote_properties():
    rng = random.Random(20180926)
    for _case in range(400):
        price = D(rng.randrange(0, 50001)) / 100
        spaces = rng.randint(1, 4)
        months = rng.choice([1, 1, 2, 3, 6, 12, 13, 24])
        start = datetime(rng.randint(2016, 2030), rng.randint(1, 12), rng.randint(1, 28))
        if rng.random() < 0.3:
            start = start.replace(day=28) + timedelta(days=rng.randint(0, 3))
        cross = rng.random() < 0.5
        quote = renewal_quote(price, spaces, months, start, cross)
        assert quote.amount >= 0 and quote.end > quote.start == start
        assert sum(amount for _label, amount in quote.lines) == quote.amount
        assert quote.amount.as_tuple().exponent == -2
        assert quote.amount <= price * spaces * months
        if cross:
            assert quote.amount == price * spaces * months
            assert quote.end == start + relativedelta(months=months) - timedelta(seconds=1)
        else:
            assert quote.end == datetime(quote.end.year, quote.end.month, 1) + relativedelta(months=1, seconds=-1)
            assert quote.end < start + relativedelta(months=months) + relativedelta(months=1)
        discount = {"mode": rng.choice(bill.MODES), "amount": D(rng.randrange(0, 60001)) / 100,
                    "min_months": rng.randint(1, 13), "monthly_limit": rng.choice([None, 0, 1, 2]),
                    "discount_start": start + timedelta(days=rng.randint(-60, 400))}
        offered = discount_quote(price, spaces, months, start, discount, start, rng.randint(0, 2), cross)
        assert 0 <= offered.amount <= quote.amount
        assert (offered.start, offered.end) == (quote.start, quote.end)
        assert sum(amount for _label, amount in offered.lines) == offered.amount
        assert offered.discounted or offered == quote


def test_rule_change_and_debit_properties():
    rng = random.Random(7)
    for _case in range(300):
        now = datetime(2018, 1, 1) + timedelta(seconds=rng.randrange(10 ** 8))
        end = now + timedelta(seconds=rng.randrange(1, 10 ** 8))
        old, new = (D(rng.randrange(1, 100000)) / 100 for _price in range(2))
        changed = rule_change_end(now, end, old, new)
        kept = changed - now
        assert kept.microseconds == 0 and (changed.microsecond, kept.days >= 0) == (now.microsecond, True)
        assert kept.total_seconds() == math.floor(Fraction((end - now).total_seconds()) * Fraction(old) / Fraction(new))
        fees = [D(rng.randrange(1, 100000)) / 100 for _card in range(rng.randint(1, 4))]
        months = rng.randint(1, 24)
        cards = [(index, fee) for index, fee in enumerate(fees)]
        assert match_bank_debit(sum(fees) * months, cards) == {index: months for index in range(len(fees))}
        assert match_bank_debit(sum(fees) * months + D("0.01"), cards) is None
