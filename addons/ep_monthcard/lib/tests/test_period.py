from datetime import datetime

import pytest

from ep_monthcard.lib.period import add_months, month_end, period_end


@pytest.mark.parametrize("start, months, expected", [
    (datetime(2018, 9, 26), 2, datetime(2018, 11, 26)),
    (datetime(2019, 1, 31), 1, datetime(2019, 2, 28)),
    (datetime(2020, 1, 31), 1, datetime(2020, 2, 29)),
    (datetime(2020, 3, 31, 8, 30), -1, datetime(2020, 2, 29, 8, 30)),
    (datetime(2018, 12, 15), 13, datetime(2020, 1, 15)),
])
def test_add_months_clamps_to_month_end(start, months, expected):
    assert add_months(start, months) == expected


def test_add_months_refuses_fractions():
    with pytest.raises(ValueError):
        add_months(datetime(2020, 1, 1), 1.5)


def test_seed_cross_month_example_ends_the_day_before():
    # seed 000 §2.3.6: from 2018-09-26 00:00:00, 2 months -> 2018-11-25 23:59:59
    assert period_end(datetime(2018, 9, 26), 2) == datetime(2018, 11, 25, 23, 59, 59)
    with pytest.raises(ValueError):
        period_end(datetime(2018, 9, 26), 0)


def test_month_end_is_the_last_second():
    assert month_end(datetime(2018, 10, 3, 12)) == datetime(2018, 10, 31, 23, 59, 59)
    assert month_end(datetime(2024, 2, 1)) == datetime(2024, 2, 29, 23, 59, 59)
