"""Occupancy (idle) fee of a charging space, paid from a deposit (seed 004 §2.3).

Two cases share one rule: after a charging order ends, the free minutes start at
the end of charging (``free_after_charge_minutes``); a car that parks without
charging gets ``free_after_arrival_minutes`` from its arrival. Past the free time,
``unit_price`` is charged per started ``unit_minutes``. The fee comes out of the
deposit; what is left is refunded; a shortfall becomes arrears the owner pays later.
"""
from collections import namedtuple
from datetime import timedelta
from decimal import Decimal

from .money import round_half_up, to_decimal

Occupancy = namedtuple("Occupancy", "fee refund arrears")

RULE_KEYS = ("free_after_charge_minutes", "free_after_arrival_minutes", "unit_minutes", "unit_price")
ZERO = Decimal("0.00")


def _check_rule(rule):
    missing = [key for key in RULE_KEYS if key not in rule]
    if missing:
        raise ValueError("occupancy rule is missing %s" % ", ".join(missing))
    for key in ("free_after_charge_minutes", "free_after_arrival_minutes", "unit_minutes"):
        value = rule[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError("%s must be a whole number of minutes >= 0" % key)
    if rule["unit_minutes"] == 0:
        raise ValueError("unit_minutes must be positive")
    price = to_decimal(rule["unit_price"], "unit_price")
    if price < 0:
        raise ValueError("unit_price must not be negative")
    return price


def occupancy_fee(rule, charge_end, arrived, left, deposit):
    """Occupancy(fee, refund, arrears), each a Decimal with 2 places."""
    price = _check_rule(rule)
    deposit = to_decimal(deposit, "deposit")
    if deposit < 0:
        raise ValueError("deposit must not be negative")
    if left < arrived:
        raise ValueError("the car cannot leave before it arrived")
    if charge_end is None:
        free_from, free_minutes = arrived, rule["free_after_arrival_minutes"]
    else:
        free_from, free_minutes = max(charge_end, arrived), rule["free_after_charge_minutes"]
    billable = left - free_from - timedelta(minutes=free_minutes)
    fee = ZERO
    if billable > timedelta(0):
        units = -(-billable // timedelta(minutes=rule["unit_minutes"]))  # started units
        fee = round_half_up(price * units)
    deposit = round_half_up(deposit)
    return Occupancy(fee, max(deposit - fee, ZERO), max(fee - deposit, ZERO))
