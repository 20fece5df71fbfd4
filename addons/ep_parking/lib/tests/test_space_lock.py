from datetime import datetime
from decimal import Decimal

import pytest

from ep_parking.lib.space_lock import check_operation, check_window, in_window, reservation_amount

START, END = datetime(2026, 12, 4, 9, 0), datetime(2026, 12, 4, 18, 0)


@pytest.mark.parametrize("role, action, state, mine, expected", [
    ("admin", "raise", "lowered", False, None),
    ("admin", "lower", "raised", False, None),
    ("owner", "lower", "raised", False, None),
    ("owner", "raise", "lowered", True, None),
    ("owner", "raise", "lowered", False, "in_use"),
    ("owner", "lower", "lowered", False, "in_use"),
    ("owner", "open", "raised", False, "action"),
    ("guest", "raise", "raised", False, "role"),
])
def test_roles_and_lowered_by_another(role, action, state, mine, expected):
    assert check_operation(role, action, state, mine, (START, END), START) == expected


@pytest.mark.parametrize("now, expected", [
    (datetime(2026, 12, 4, 8, 59), "window"), (START, None), (datetime(2026, 12, 4, 17, 59), None), (END, "window"),
])
def test_sharer_before_inside_after_the_window(now, expected):
    assert check_operation("sharer", "lower", "raised", False, (START, END), now) == expected


def test_sharer_inside_the_window_still_respects_another_user():
    assert check_operation("sharer", "raise", "lowered", False, (START, END), START) == "in_use"


def test_windows():
    assert in_window((None, None), START) and in_window((START, None), END) and not in_window((None, START), START)
    check_window(START, END)
    with pytest.raises(ValueError):
        check_window(END, START)
    with pytest.raises(ValueError):
        check_window(START, None)


def test_reservation_amount_is_the_fixed_fee_plus_the_prepaid_fee():
    assert reservation_amount("5.00", Decimal("9")) == Decimal("14.00")
    with pytest.raises(ValueError):
        reservation_amount(-1, 0)
    with pytest.raises(ValueError):
        reservation_amount(1.5, 0)
