"""Space reservations at a charging station (预约费, seed 004 §2.2): an owner books a charging space
for the rule's minutes, for its fee, at most ``daily_limit`` times a (lot) day; until the booking
ends the space admits only the reserving plate."""
from collections import namedtuple
from datetime import datetime, timedelta

from .money import round_half_up, to_decimal

Booking = namedtuple("Booking", "start end fee")


def book(rule, start, made_today):
    """The booking starting at ``start`` (lot time) under ``rule`` (keys ``minutes``, ``fee``,
    ``daily_limit``) for an owner who already made ``made_today`` bookings that day; ValueError
    when the limit is reached or the rule is malformed."""
    minutes, limit = rule.get("minutes"), rule.get("daily_limit")
    for key, value in (("minutes", minutes), ("daily_limit", limit)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError("%s must be a whole number >= 1" % key)
    fee = to_decimal(rule.get("fee", 0), "fee")
    if fee < 0:
        raise ValueError("the reservation fee must not be negative")
    if not isinstance(start, datetime):
        raise ValueError("start must be a datetime")
    if made_today >= limit:
        raise ValueError("daily limit reached: %d reservations a day" % limit)
    return Booking(start, start + timedelta(minutes=minutes), round_half_up(fee))


def admits(booking, plate, moment):
    """Whether a car with ``plate`` may take the reserved space at ``moment``: anyone once the
    booking ended (or before it starts), only the reserving plate while it runs."""
    reserved_plate, start, end = booking
    return not (start <= moment < end) or plate == reserved_plate
