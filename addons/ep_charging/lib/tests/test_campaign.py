from datetime import date, datetime
from decimal import Decimal

import pytest

from ep_charging.lib.campaign import apply_campaign
from ep_charging.lib.tou import Cost

D = Decimal
COST = Cost(D("10.00"), D("3.33"), D("13.33"), [("peak", D("10.000"), D("10.00"), D("3.33"))])
# Mondays to Fridays of December 2026 at station ST-01: 20 % off electricity, 50 % off service
CAMPAIGN = {"start": date(2026, 12, 1), "end": date(2026, 12, 31), "weekdays": [0, 1, 2, 3, 4],
            "electricity_pct": D("20"), "service_pct": 50, "stations": ["ST-01"]}
THURSDAY = datetime(2026, 12, 3, 18, 30)


def test_in_the_window():
    cost = apply_campaign(COST, CAMPAIGN, THURSDAY, "ST-01")
    assert (cost.electricity, cost.service, cost.total) == (D("8.00"), D("1.67"), D("9.67"))  # 1.665 → 1.67
    assert cost.lines == COST.lines


@pytest.mark.parametrize("when, station", [
    (datetime(2026, 11, 30, 23, 59), "ST-01"),  # before the start
    (datetime(2027, 1, 1, 0, 0), "ST-01"),  # after the end
    (datetime(2026, 12, 5, 12, 0), "ST-01"),  # a Saturday
    (THURSDAY, "ST-02"),  # another station
])
def test_out_of_the_window(when, station):
    assert apply_campaign(COST, CAMPAIGN, when, station) is COST


def test_dates_are_inclusive_and_empty_lists_mean_all():
    campaign = dict(CAMPAIGN, weekdays=[], stations=[])
    assert apply_campaign(COST, campaign, date(2026, 12, 31), "ANY").electricity == D("8.00")
    assert apply_campaign(COST, campaign, datetime(2026, 12, 1, 0, 0), "ANY").service == D("1.67")


def test_full_discount():
    cost = apply_campaign(COST, dict(CAMPAIGN, electricity_pct=100, service_pct="100"), THURSDAY, "ST-01")
    assert cost.total == D("0.00")


@pytest.mark.parametrize("bad", [
    dict(CAMPAIGN, electricity_pct=101), dict(CAMPAIGN, service_pct=-1), dict(CAMPAIGN, service_pct=0.5),
    dict(CAMPAIGN, weekdays=[7]), dict(CAMPAIGN, end=date(2026, 11, 1)),
])
def test_bad_campaigns_are_refused(bad):
    with pytest.raises(ValueError):
        apply_campaign(COST, bad, THURSDAY, "ST-01")
