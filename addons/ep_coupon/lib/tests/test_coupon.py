import pickle
from datetime import datetime, timedelta, timezone
from decimal import Decimal as D

import pytest

from ep_coupon.lib.coupon import (
    Applied,
    Coupon,
    CouponError,
    LimitExceeded,
    apply_coupons,
    check_limit,
    money,
    pick_coupon,
    release_deadline,
    release_due,
)


def fixed(face, **extra):
    return dict(kind="fixed", face_value=face, **extra)


def variable(cap=None, **extra):
    return dict(kind="variable", max_face_value=cap, **extra)


def assert_applied(result, covered, remaining, used):
    assert isinstance(result, Applied)
    assert result.amount_covered == D(covered) and isinstance(result.amount_covered, D)
    assert result.remaining_fee == D(remaining) and isinstance(result.remaining_fee, D)
    assert result.amount_covered.as_tuple().exponent == -2
    assert result.remaining_fee.as_tuple().exponent == -2
    assert len(result.used) == len(used) and all(a is b for a, b in zip(result.used, used, strict=True))


# ---------------------------------------------------------------- §2.4.3 table, one test per row and column


def test_fixed_preexit_off_used_at_issue():
    """定额 | 默认/禁用预出场: 发券时用券 — one coupon, used when issued, no stacking."""
    first, second = fixed(5, id=1), fixed(5, id=2)
    assert_applied(apply_coupons(8, [first, second], "fixed", False), "5.00", "3.00", [first])
    big = fixed(10)
    assert_applied(apply_coupons(8, [big], "fixed", False), "8.00", "0.00", [big])


def test_fixed_preexit_off_used_at_issue_even_at_zero_fee():
    """定额 | 默认/禁用预出场: 发券时用券 — no 0-fee exception for fixed: consumed, covers 0."""
    coupon = fixed(5)
    assert_applied(apply_coupons(0, [coupon], "fixed", False), "0.00", "0.00", [coupon])


def test_fixed_preexit_on_used_at_preexit_several_stack():
    """定额 | 启用预出场: 预出场时用券，多张定额券自动叠加."""
    a, b, c = fixed(5, id=1), fixed(3, id=2), fixed(10, id=3)
    assert_applied(apply_coupons(12, [a, b, c], "fixed", True), "12.00", "0.00", [a, b, c])
    # Stacking stops once the fee is covered: the rest stays unused.
    assert_applied(apply_coupons(7, [a, b, c], "fixed", True), "7.00", "0.00", [a, b])
    assert_applied(apply_coupons(5, [a, b, c], "fixed", True), "5.00", "0.00", [a])
    # Not enough: all are used and the rest is due.
    assert_applied(apply_coupons(30, [a, b, c], "fixed", True), "18.00", "12.00", [a, b, c])


def test_fixed_preexit_on_used_at_preexit_nothing_at_zero_fee():
    """定额 | 启用预出场: 预出场时用券 — at a 0 fee no coupon is needed, none is consumed."""
    assert_applied(apply_coupons(0, [fixed(5), fixed(3)], "fixed", True), "0.00", "0.00", [])


def test_variable_preexit_off_used_at_issue():
    """不定额 | 默认/禁用预出场: 发券时用券（0元无意义） — covers the fee when issued."""
    coupon = variable()
    assert_applied(apply_coupons("12.50", [coupon], "variable", False), "12.50", "0.00", [coupon])
    # Variable coupons do not stack: only the first one is used.
    first, second = variable(10), variable(10)
    assert_applied(apply_coupons(15, [first, second], "variable", False), "10.00", "5.00", [first])


def test_variable_preexit_off_zero_fee_makes_no_sense():
    """不定额 | 默认/禁用预出场: 发券时用券（0元无意义） — at a 0 fee nothing is applied."""
    assert_applied(apply_coupons(0, [variable(10)], "variable", False), "0.00", "0.00", [])
    assert_applied(apply_coupons("0.004", [variable()], "variable", False), "0.00", "0.00", [])


def test_variable_preexit_on_used_at_preexit():
    """不定额 | 启用预出场: 预出场时用券，0元也使用 — covers the fee at pre-exit."""
    coupon = variable(20)
    assert_applied(apply_coupons(15, [coupon], "variable", True), "15.00", "0.00", [coupon])
    first, second = variable(10), variable(10)
    assert_applied(apply_coupons(15, [first, second], "variable", True), "10.00", "5.00", [first])


def test_variable_preexit_on_used_even_at_zero_fee():
    """不定额 | 启用预出场: 预出场时用券，0元也使用 — consumed at a 0 fee too."""
    coupon = variable(10)
    assert_applied(apply_coupons(0, [coupon], "variable", True), "0.00", "0.00", [coupon])
    uncapped = variable()
    assert_applied(apply_coupons("0", [uncapped], "variable", True), "0.00", "0.00", [uncapped])


# ---------------------------------------------------------------- apply_coupons details


@pytest.mark.parametrize("preexit", [False, True])
def test_variable_max_face_value(preexit):
    """§2.4.2 1 A: 设置为10元，那么当车辆临停费用≥10元时，只发10元的券."""
    coupon = variable(10)
    assert_applied(apply_coupons(15, [coupon], "variable", preexit), "10.00", "5.00", [coupon])
    assert_applied(apply_coupons(10, [coupon], "variable", preexit), "10.00", "0.00", [coupon])
    assert_applied(apply_coupons("9.99", [coupon], "variable", preexit), "9.99", "0.00", [coupon])


@pytest.mark.parametrize("kind", ["fixed", "variable"])
@pytest.mark.parametrize("preexit", [False, True])
def test_no_coupons(kind, preexit):
    assert_applied(apply_coupons("7.5", [], kind, preexit), "0.00", "7.50", [])
    assert_applied(apply_coupons(7, iter(()), kind, preexit), "0.00", "7.00", [])


def test_variable_face_value_ignored_and_fixed_cap_ignored():
    coupon = dict(kind="variable", face_value=3, max_face_value=None)
    assert_applied(apply_coupons(8, [coupon], "variable", True), "8.00", "0.00", [coupon])
    coupon = fixed(5, max_face_value=1)
    assert_applied(apply_coupons(8, [coupon], "fixed", True), "5.00", "3.00", [coupon])


def test_coupon_shapes_namedtuple_object_and_default_kind():
    nt = Coupon(face_value=D("4"))
    assert_applied(apply_coupons(10, [nt], "fixed", True), "4.00", "6.00", [nt])

    class Record:
        face_value = "2.5"
        kind = "fixed"

    rec = Record()
    assert_applied(apply_coupons(10, [nt, rec], "fixed", True), "6.50", "3.50", [nt, rec])
    no_kind = {"max_face_value": 10}
    assert_applied(apply_coupons(15, [no_kind], "variable", False), "10.00", "5.00", [no_kind])
    released = Coupon(max_face_value="6")
    assert_applied(apply_coupons(15, [released], "variable", False), "6.00", "9.00", [released])


def test_chinese_kind_names():
    coupon = {"kind": "定额券", "face_value": 5}
    assert_applied(apply_coupons(3, [coupon], "定额", False), "3.00", "0.00", [coupon])
    coupon = {"kind": "不定额", "max_face_value": 5}
    assert_applied(apply_coupons(3, [coupon], "不定额券", True), "3.00", "0.00", [coupon])


def test_used_is_a_new_list_and_coupons_untouched():
    coupons = [fixed(5), fixed(5)]
    snapshot = [dict(c) for c in coupons]
    result = apply_coupons(7, coupons, "fixed", True)
    assert result.used is not coupons and result.used == coupons
    assert coupons == snapshot
    covered, remaining, used = result
    assert (covered, remaining) == (D("7.00"), D("0.00"))


def test_decimal_str_int_inputs_agree():
    for fee in (12, "12", "12.00", D("12"), D("12.000"), " 12 "):
        for face in (5, "5", D("5.00")):
            result = apply_coupons(fee, [fixed(face), fixed(face), fixed(face)], "fixed", True)
            assert result[:2] == (D("12.00"), D("0.00"))
            assert len(result.used) == 3
    assert apply_coupons(D("1E+1"), [variable("7.5")], "variable", False)[:2] == (D("7.50"), D("2.50"))


def test_rounding_half_up_to_cents():
    assert money("2.345") == D("2.35") and money("2.344") == D("2.34") and money("-0.005") == D("-0.01")
    coupon = fixed(10)
    assert_applied(apply_coupons("10.005", [coupon], "fixed", False), "10.00", "0.01", [coupon])
    coupon = fixed("9.995")  # -> 10.00
    assert_applied(apply_coupons("10.004", [coupon], "fixed", True), "10.00", "0.00", [coupon])
    coupon = variable("3.335")  # -> 3.34
    assert_applied(apply_coupons("10", [coupon], "variable", True), "3.34", "6.66", [coupon])
    # Many cent-ish coupons: exact decimal sums, no float drift.
    coupons = [fixed("0.1") for _ in range(10)]
    assert_applied(apply_coupons("1", coupons, "fixed", True), "1.00", "0.00", coupons)


def test_amount_covered_plus_remaining_is_fee():
    coupons = [fixed("3.33"), fixed("1.01"), fixed("7")]
    for cents in range(0, 1500, 7):
        fee = D(cents) / 100
        for kind, cs in (("fixed", coupons), ("variable", [variable("6.66")])):
            for preexit in (False, True):
                result = apply_coupons(fee, cs, kind, preexit)
                assert result.amount_covered + result.remaining_fee == fee
                assert result.amount_covered >= 0 and result.remaining_fee >= 0


@pytest.mark.parametrize(
    "fee, coupons, kind, preexit, field",
    [
        (-1, [], "fixed", False, "fee"),
        ("-0.01", [fixed(5)], "fixed", True, "fee"),
        (1.5, [], "fixed", False, "fee"),
        (None, [], "fixed", False, "fee"),
        (True, [], "fixed", False, "fee"),
        ("abc", [], "fixed", False, "fee"),
        ("NaN", [], "fixed", False, "fee"),
        ("Infinity", [], "fixed", False, "fee"),
        (5, [], "monthly", False, "merchant_kind"),
        (5, [], None, False, "merchant_kind"),
        (5, [], "Fixed ", False, "merchant_kind"),
        (5, [], "fixed", "yes", "preexit_enabled"),
        (5, [], "fixed", None, "preexit_enabled"),
        (5, [], "fixed", 2, "preexit_enabled"),
        (5, None, "fixed", False, "coupons"),
        (5, "abc", "fixed", False, "coupons"),
        (5, fixed(5), "fixed", False, "coupons"),
        (5, [5], "fixed", False, "coupons[0]"),
        (5, [None], "fixed", False, "coupons[0]"),
        (5, [fixed(5), variable(5)], "fixed", True, "coupons[1].kind"),
        (5, [fixed(5)], "variable", True, "coupons[0].kind"),
        (5, [{"kind": "gift", "face_value": 5}], "fixed", True, "coupons[0].kind"),
        (5, [{"kind": "fixed"}], "fixed", True, "coupons[0].face_value"),
        (5, [fixed(0)], "fixed", True, "coupons[0].face_value"),
        (5, [fixed(-5)], "fixed", True, "coupons[0].face_value"),
        (5, [fixed(5.0)], "fixed", True, "coupons[0].face_value"),
        (5, [fixed(5), fixed("0.004")], "fixed", False, "coupons[1].face_value"),
        (5, [variable(0)], "variable", True, "coupons[0].max_face_value"),
        (5, [variable("-1")], "variable", True, "coupons[0].max_face_value"),
        (5, [variable(10.0)], "variable", True, "coupons[0].max_face_value"),
    ],
)
def test_apply_coupons_errors(fee, coupons, kind, preexit, field):
    with pytest.raises(CouponError) as info:
        apply_coupons(fee, coupons, kind, preexit)
    assert isinstance(info.value, ValueError)
    assert info.value.field == field and str(info.value).startswith(field + ": ")


def test_preexit_flag_accepts_zero_and_one():
    coupon = variable()
    assert apply_coupons(0, [coupon], "variable", 1).used == [coupon]
    assert apply_coupons(0, [coupon], "variable", 0).used == []


# ---------------------------------------------------------------- pick_coupon (§2.4.4 1 A)


def test_pick_smallest_face_value_covering_the_fee():
    assert pick_coupon(7, [5, 10, 20, 8]) == 8
    assert pick_coupon("8", [5, 10, 20, 8]) == 8  # exactly the fee is enough
    assert pick_coupon("8.01", [5, 10, 20, 8]) == 10


def test_pick_largest_when_none_is_enough():
    assert pick_coupon(30, [5, 20, 10]) == 20
    assert pick_coupon("20.01", [D("20")]) == D("20")


def test_pick_single_and_empty():
    assert pick_coupon(100, [5]) == 5  # 只有一种券就默认为该券类型
    assert pick_coupon(1, [5]) == 5
    assert pick_coupon(5, []) is None
    assert pick_coupon(5, iter(())) is None
    assert pick_coupon(0, []) is None


def test_pick_zero_fee_takes_smallest():
    assert pick_coupon(0, [10, 3, 5]) == 3


def test_pick_returns_the_element_given_first_of_equals():
    values = [D("10.0"), "10", 10, "5.00"]
    picked = pick_coupon(6, values)
    assert picked is values[0]
    assert pick_coupon(50, ["10", D("10.00")]) == "10"
    assert pick_coupon("4.999", ["5.00", 6]) == "5.00"
    assert pick_coupon(7, (x for x in (5, "7.004", 9))) == "7.004"  # 7.00 after rounding


@pytest.mark.parametrize(
    "fee, values, field",
    [
        (-1, [5], "fee"),
        (1.0, [5], "fee"),
        (None, [5], "fee"),
        (5, [5, 0], "face_values[1]"),
        (5, [-5], "face_values[0]"),
        (5, [5.0], "face_values[0]"),
        (5, ["five"], "face_values[0]"),
    ],
)
def test_pick_errors(fee, values, field):
    with pytest.raises(CouponError) as info:
        pick_coupon(fee, values)
    assert info.value.field == field


# ---------------------------------------------------------------- release coupons (§2.4.2 1 B)


def test_release_deadline_is_15_minutes_later():
    paid = datetime(2026, 11, 22, 17, 50, 30)
    assert release_deadline(paid) == datetime(2026, 11, 22, 18, 5, 30)
    assert release_deadline(paid, minutes=30) == datetime(2026, 11, 22, 18, 20, 30)
    assert release_deadline(paid, 0) == paid


def test_release_due_only_after_the_deadline():
    paid = datetime(2026, 11, 22, 23, 50)
    assert release_due(paid, paid) is False
    assert release_due(paid, paid + timedelta(minutes=15)) is False  # 15分钟内出场: at 15:00 still in time
    assert release_due(paid, paid + timedelta(minutes=15, microseconds=1)) is True
    assert release_due(paid, datetime(2026, 11, 23, 0, 6)) is True
    assert release_due(paid, paid - timedelta(minutes=1)) is False
    assert release_due(paid, paid + timedelta(minutes=20), minutes=30) is False


def test_release_due_aware_datetimes():
    cst = timezone(timedelta(hours=8))
    paid = datetime(2026, 1, 1, 10, 0, tzinfo=cst)
    assert release_due(paid, datetime(2026, 1, 1, 2, 16, tzinfo=timezone.utc)) is True
    assert release_due(paid, datetime(2026, 1, 1, 2, 14, tzinfo=timezone.utc)) is False


@pytest.mark.parametrize(
    "args, field",
    [
        (("2026-01-01 10:00", datetime(2026, 1, 1)), "paid_at"),
        ((datetime(2026, 1, 1), None), "now"),
        ((datetime(2026, 1, 1), datetime(2026, 1, 1), -1), "minutes"),
        ((datetime(2026, 1, 1), datetime(2026, 1, 1), 1.5), "minutes"),
        ((datetime(2026, 1, 1), datetime(2026, 1, 1), True), "minutes"),
        ((datetime(2026, 1, 1), datetime(2026, 1, 1, tzinfo=timezone.utc)), "now"),
    ],
)
def test_release_errors(args, field):
    with pytest.raises(CouponError) as info:
        release_due(*args)
    assert info.value.field == field


# ---------------------------------------------------------------- limits (§2.4.1 6, §2.4.2 2)


def test_check_limit_counts():
    assert check_limit(3, 2, 10) == 5
    assert check_limit(8, 2, 10) == 0  # reaching the limit exactly is allowed
    assert check_limit(0, 0, 0) == 0
    assert check_limit(5, 1, None) is None  # no limit: 可以一直发券
    assert isinstance(check_limit(3, 2, 10), int)


def test_check_limit_exceeded_counts():
    with pytest.raises(LimitExceeded) as info:
        check_limit(9, 2, 10)
    err = info.value
    assert isinstance(err, ValueError) and isinstance(err, CouponError)
    assert (err.used, err.requested, err.limit, err.available) == (9, 2, 10, 1)
    assert "9" in str(err) and "2" in str(err) and "10" in str(err)
    with pytest.raises(LimitExceeded):
        check_limit(0, 1, 0)  # limit 0: never


def test_check_limit_amounts():
    assert check_limit(D("80.50"), "9.5", 100) == D("10.00")
    assert isinstance(check_limit(D("80.50"), "9.5", 100), D)
    assert check_limit("0.004", "0", "0") == D("0.00")  # rounded first
    with pytest.raises(LimitExceeded) as info:
        check_limit("95", D("5.01"), "100")
    err = info.value
    assert (err.used, err.requested, err.limit, err.available) == (D("95.00"), D("5.01"), D("100.00"), D("5.00"))
    assert "5.01" in str(err) and "100.00" in str(err)


def test_limit_exceeded_when_already_over_and_pickles():
    with pytest.raises(LimitExceeded) as info:
        check_limit(12, 1, 10)
    assert info.value.available == 0
    copy = pickle.loads(pickle.dumps(info.value))
    assert isinstance(copy, LimitExceeded) and str(copy) == str(info.value)
    err = pickle.loads(pickle.dumps(CouponError("fee", "bad")))
    assert (err.field, err.reason) == ("fee", "bad")


@pytest.mark.parametrize(
    "args, field",
    [
        ((-1, 1, 10), "used"),
        ((1, -1, 10), "requested"),
        ((1, 1, -10), "limit"),
        ((None, 1, 10), "used"),
        ((1, None, 10), "requested"),
        ((1.0, 1, 10), "used"),
        ((1, 1, 10.0), "limit"),
        ((True, 1, 10), "used"),
        (("x", 1, 10), "used"),
    ],
)
def test_check_limit_errors(args, field):
    with pytest.raises(CouponError) as info:
        check_limit(*args)
    assert not isinstance(info.value, LimitExceeded)
    assert info.value.field == field


def test_lib_has_no_odoo_import():
    import pathlib

    lib = pathlib.Path(__file__).resolve().parents[1]
    for path in lib.rglob("*.py"):
        if path.name == pathlib.Path(__file__).name:
            continue
        text = path.read_text(encoding="utf-8")
        assert "import odoo" not in text and "from odoo" not in text, path
