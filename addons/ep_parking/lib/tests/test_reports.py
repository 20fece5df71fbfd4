from datetime import datetime

from ep_parking.lib import reports

TZ = "Asia/Shanghai"


def test_day_bounds_follow_lot_time():
    # 2026-12-07 17:30 UTC is 2026-12-08 01:30 in China: the lot's day is the 8th
    assert reports.day_bounds(datetime(2026, 12, 7, 17, 30), TZ) == (datetime(2026, 12, 7, 16, 0),
                                                                     datetime(2026, 12, 8, 16, 0))
    assert reports.day_bounds(datetime(2026, 12, 7, 15, 59, 59), TZ) == (datetime(2026, 12, 6, 16, 0),
                                                                         datetime(2026, 12, 7, 16, 0))


def test_month_bounds_follow_lot_time_and_the_year_end():
    assert reports.month_bounds(datetime(2026, 11, 30, 16, 0), TZ) == (datetime(2026, 11, 30, 16, 0),
                                                                       datetime(2026, 12, 31, 16, 0))
    assert reports.month_bounds(datetime(2026, 12, 31, 15, 0), TZ) == (datetime(2026, 11, 30, 16, 0),
                                                                       datetime(2026, 12, 31, 16, 0))
    assert reports.month_bounds(datetime(2026, 12, 31, 16, 0), TZ) == (datetime(2026, 12, 31, 16, 0),
                                                                       datetime(2027, 1, 31, 16, 0))


def test_offline_lots():
    now = datetime(2026, 12, 7, 8, 0)
    seen = {1: datetime(2026, 12, 7, 7, 55), 2: datetime(2026, 12, 7, 7, 49, 59), 3: None,
            4: datetime(2026, 12, 7, 7, 50)}
    assert reports.offline_lots(seen, now) == [2, 3]
    assert reports.offline_lots(seen, now, minutes=4) == [1, 2, 3, 4]
    assert reports.offline_lots({}, now) == []


def test_five_bands():
    from decimal import Decimal

    assert reports.five_bands({}) == {}
    assert reports.five_bands({"深圳": Decimal("10")}) == {"深圳": 5}
    bands = reports.five_bands({"a": Decimal("0"), "b": Decimal("19.99"), "c": Decimal("20"), "d": Decimal("55"),
                                "e": Decimal("99.99"), "f": Decimal("100")})
    assert bands == {"a": 1, "b": 1, "c": 2, "d": 3, "e": 5, "f": 5}
