"""Periods of merchant limits (seed 000 §2.4.1 6, §2.4.2 2).

Issue and purchase limits are counted per day, per week (Monday 00:00 to the next
Monday) or per calendar month. ``end`` is exclusive: the next period's start.
"""
from datetime import datetime, timedelta

PERIOD_KINDS = ("day", "week", "month")


def period_bounds(kind, when):
    """(start, end) of the ``kind`` period that contains ``when``; end exclusive."""
    if kind not in PERIOD_KINDS:
        raise ValueError("period kind must be one of %s, got %r" % (", ".join(PERIOD_KINDS), kind))
    if not isinstance(when, datetime):
        when = datetime(when.year, when.month, when.day)
    day = when.replace(hour=0, minute=0, second=0, microsecond=0)
    if kind == "day":
        return day, day + timedelta(days=1)
    if kind == "week":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=7)
    start = day.replace(day=1)
    if start.month == 12:
        return start, start.replace(year=start.year + 1, month=1)
    return start, start.replace(month=start.month + 1)
