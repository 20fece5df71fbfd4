"""Calendar arithmetic of month-card periods (seed 000 §2.3.6).

A card's validity runs to the last second of its last day: buying N months from
``start`` ends at ``add_months(start, N) - 1 second`` (cross-month renewal), or at
``month_end`` of a calendar month (natural-month renewal).
"""
import calendar
from datetime import datetime, timedelta

ONE_SECOND = timedelta(seconds=1)


def days_in_month(year, month):
    return calendar.monthrange(year, month)[1]


def add_months(moment, months):
    """``moment`` moved by whole calendar months, the day clamped to the month's end
    (Jan 31 + 1 month = Feb 28/29), as dateutil's relativedelta does."""
    if not isinstance(months, int) or isinstance(months, bool):
        raise ValueError("months must be a whole number, got %r" % (months,))
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    if not 1 <= year <= 9999:
        raise ValueError("date out of range")
    return moment.replace(year=year, month=month, day=min(moment.day, days_in_month(year, month)))


def month_end(moment):
    """The last second of ``moment``'s calendar month."""
    last_day = days_in_month(moment.year, moment.month)
    return datetime(moment.year, moment.month, last_day, 23, 59, 59, tzinfo=moment.tzinfo)


def period_end(start, months):
    """End of ``months`` cross-month months bought from ``start``: one second before
    the same time ``months`` calendar months later."""
    if months < 1:
        raise ValueError("at least one month must be bought")
    return add_months(start, months) - ONE_SECOND
