"""One-card pass (一卡通, seed 000 §2.3.5): what a pass holder owes at a lot of its area.

No odoo import. A car whose month card is valid and listed in a one-card-pass area parks
at the other lots of the area as a temporary car for free: "场内付费0.01元，15分钟内出场" —
it pays a token 0.01 in the lot (or at the exit) whatever the length of the stay, then
leaves within 15 minutes of paying. A car still in the lot after that window pays the
token again (the pass never falls back to the lot's tariff). At the card's own lot the
month card applies; lots outside the area charge their tariff.

    is_pass_exit(card_lot, exit_lot, area_lots) -> bool
    leave_before(paid_at, exit_minutes=15) -> datetime
    pass_quote(entry_time, at, last_paid_at=None, fee=0.01, exit_minutes=15) -> PassQuote
"""
from datetime import datetime, timedelta
from decimal import Decimal
from typing import NamedTuple, Optional

from .billing import BillingError, money

PASS_FEE = Decimal("0.01")
EXIT_MINUTES = 15


class PassQuote(NamedTuple):
    amount_due: Decimal  # what the car pays now: the token, or 0.00 within the exit window
    leave_before: Optional[datetime]  # within the exit window: the car leaves before this
    minutes: int  # whole minutes the car has been in the lot


def _moment(value, field):
    if not isinstance(value, datetime):
        raise BillingError(field, "must be a datetime, not %r" % (value,))
    if value.tzinfo is not None:
        raise BillingError(field, "must be a naive datetime")
    return value


def _minutes(value):
    if isinstance(value, bool) or not isinstance(value, int):
        raise BillingError("exit_minutes", "must be a whole number, not %r" % (value,))
    if value < 0:
        raise BillingError("exit_minutes", "must not be negative")
    return value


def is_pass_exit(card_lot, exit_lot, area_lots):
    """Whether a car whose card belongs to ``card_lot`` parks at ``exit_lot`` as a pass holder of
    an area made of ``area_lots``: another lot of the area than the card's own."""
    if exit_lot is None:
        raise BillingError("exit_lot", "required")
    return exit_lot != card_lot and exit_lot in set(area_lots)


def leave_before(paid_at, exit_minutes=EXIT_MINUTES):
    """The moment a pass holder who paid at ``paid_at`` must have left by."""
    return _moment(paid_at, "paid_at") + timedelta(minutes=_minutes(exit_minutes))


def pass_quote(entry_time, at, last_paid_at=None, fee=PASS_FEE, exit_minutes=EXIT_MINUTES):
    """What a pass holder in the lot since ``entry_time`` owes at ``at``.

    ``last_paid_at`` is when the stay was last paid (None: not yet). Within ``exit_minutes`` of
    that payment nothing is due; otherwise the token ``fee`` is, however long the stay. All
    datetimes naive and in the same zone."""
    entry_time = _moment(entry_time, "entry_time")
    at = _moment(at, "at")
    fee = money(fee, "fee")
    if fee <= 0:
        raise BillingError("fee", "must be more than 0")
    exit_minutes = _minutes(exit_minutes)
    minutes = max(int((at - entry_time).total_seconds() // 60), 0)
    if last_paid_at is not None:
        until = leave_before(last_paid_at, exit_minutes)
        if at <= until:
            return PassQuote(Decimal("0.00"), until, minutes)
    return PassQuote(fee, None, minutes)
