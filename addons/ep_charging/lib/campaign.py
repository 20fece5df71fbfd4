"""Charging campaigns (充电活动, seed 004 §7.4): a percentage off electricity and service at some
stations, on some weekdays, between two dates (inclusive). Empty ``weekdays`` or ``stations``
mean every day or every station."""
from datetime import date, datetime
from decimal import Decimal

from .money import round_half_up, to_decimal
from .tou import Cost

HUNDRED = Decimal(100)


def _percent(campaign, key):
    pct = to_decimal(campaign.get(key, 0), key)
    if not 0 <= pct <= HUNDRED:
        raise ValueError("%s must be between 0 and 100, got %s" % (key, pct))
    return pct


def check_campaign(campaign):
    """``(electricity_pct, service_pct)`` of a well-formed campaign; ValueError saying what is wrong."""
    if campaign["end"] < campaign["start"]:
        raise ValueError("the campaign ends before it starts")
    weekdays = list(campaign.get("weekdays") or [])
    if any(not isinstance(w, int) or isinstance(w, bool) or not 0 <= w <= 6 for w in weekdays):
        raise ValueError("weekdays are 0 (Monday) to 6 (Sunday), got %r" % (weekdays,))
    return _percent(campaign, "electricity_pct"), _percent(campaign, "service_pct")


def campaign_applies(campaign, when, station):
    """Whether ``campaign`` covers a session at ``when`` (date or datetime) at ``station`` (a code)."""
    check_campaign(campaign)
    day = when.date() if isinstance(when, datetime) else when
    if not isinstance(day, date):
        raise ValueError("when must be a date or datetime, got %r" % (when,))
    weekdays = list(campaign.get("weekdays") or [])
    stations = list(campaign.get("stations") or [])
    return (campaign["start"] <= day <= campaign["end"] and (not weekdays or day.weekday() in weekdays)
            and (not stations or station in stations))


def apply_campaign(cost, campaign, when, station):
    """``cost`` with the campaign's discounts when it applies (else ``cost`` unchanged); the lines
    keep the prices before the discount."""
    electricity_pct, service_pct = check_campaign(campaign)
    if not campaign_applies(campaign, when, station):
        return cost
    electricity = round_half_up(to_decimal(cost.electricity) * (HUNDRED - electricity_pct) / HUNDRED)
    service = round_half_up(to_decimal(cost.service) * (HUNDRED - service_pct) / HUNDRED)
    return Cost(electricity, service, electricity + service, cost.lines)
