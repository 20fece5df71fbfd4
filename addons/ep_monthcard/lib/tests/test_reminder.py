from datetime import datetime, timedelta

import pytest

from ep_monthcard.lib.reminder import EXPIRED, EXPIRING, is_due, message, window_bounds

NOW = datetime(2018, 9, 25, 1, 0, 0)


def test_seed_texts_exactly():
    end = datetime(2018, 9, 30, 23, 59, 59)
    assert message("阳光商务大厦", "沪A2Z337", end, EXPIRED, with_ad=True) == \
        "您在阳光商务大厦、车牌为沪A2Z337的月卡于9月30日已过期,开通彩之云-彩钱包-我的银行卡,用彩钱包支付每月享5次98折"
    assert message("阳光商务大厦", "沪A2Z337", end, EXPIRED) == "您在阳光商务大厦、车牌为沪A2Z337的月卡于9月30日已过期"
    assert message("阳光商务大厦", "沪A2Z337", end, EXPIRING) == "您在阳光商务大厦、车牌为沪A2Z337的月卡将于9月30日到期"
    assert message("阳光商务大厦", "沪A2Z337", end, EXPIRING, with_ad=True) == \
        "您在阳光商务大厦、车牌为沪A2Z337的月卡将于9月30日到期,开通彩之云-彩钱包-我的银行卡,用彩钱包支付每月享5次98折"
    assert message("A", "B", datetime(2019, 1, 5), EXPIRED) == "您在A、车牌为B的月卡于1月5日已过期"


@pytest.mark.parametrize("days, window, due", [
    (0, "week", True), (3, "week", True), (7, "week", True), (7.01, "week", False), (-0.01, "week", False),
    (10, "half_month", True), (15, "half_month", True), (16, "half_month", False),
    (29, "month", True), (31, "month", False),
])
def test_expiring_windows(days, window, due):
    assert is_due(NOW, NOW + timedelta(days=days), EXPIRING, window) is due


@pytest.mark.parametrize("days_ago, window, due", [
    (0, "week", False), (0.01, "week", True), (7, "week", True), (7.01, "week", False),
    (15, "half_month", True), (16, "half_month", False), (30, "month", True), (31, "month", False),
])
def test_expired_windows(days_ago, window, due):
    assert is_due(NOW, NOW - timedelta(days=days_ago), EXPIRED, window) is due


def test_default_is_a_week_ahead():
    assert is_due(NOW, NOW + timedelta(days=6))
    assert not is_due(NOW, NOW - timedelta(days=1))
    assert window_bounds(NOW) == (NOW, NOW + timedelta(days=7))
    assert window_bounds(NOW, EXPIRED, "half_month") == (NOW - timedelta(days=15), NOW)


def test_unknown_choices():
    with pytest.raises(ValueError):
        window_bounds(NOW, "soon")
    with pytest.raises(ValueError):
        window_bounds(NOW, EXPIRING, "year")
    with pytest.raises(ValueError):
        message("A", "B", NOW, "soon")
