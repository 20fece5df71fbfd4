"""Rules of the reports and dashboards (seed 000 §2.9) that are not plain SQL sums.

- ``day_bounds`` / ``month_bounds``: today and this month in lot time, as naive UTC bounds to
  filter UTC timestamps with (``start <= t < end``);
- ``offline_lots``: which lots count as offline at a 5-minute check (§2.9.2 B 车场掉线): a lot with
  devices is offline when none of them has reported within the window.
"""
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

CHECK_MINUTES = 5  # the offline check runs every 5 minutes
OFFLINE_MINUTES = 10  # a lot none of whose devices reported for this long is offline


def _utc_naive(moment):
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def day_bounds(now_utc, tz):
    """(start, end) of the lot-time day holding ``now_utc`` (naive UTC in and out)."""
    zone = ZoneInfo(tz)
    local = now_utc.replace(tzinfo=timezone.utc).astimezone(zone)
    start = datetime.combine(local.date(), time.min, zone)
    end = datetime.combine(local.date() + timedelta(days=1), time.min, zone)
    return _utc_naive(start), _utc_naive(end)


def month_bounds(now_utc, tz):
    """(start, end) of the lot-time month holding ``now_utc`` (naive UTC in and out)."""
    zone = ZoneInfo(tz)
    local = now_utc.replace(tzinfo=timezone.utc).astimezone(zone).date()
    first = local.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return (_utc_naive(datetime.combine(first, time.min, zone)),
            _utc_naive(datetime.combine(following, time.min, zone)))


def offline_lots(last_seen_by_lot, now_utc, minutes=OFFLINE_MINUTES):
    """The lots (keys of ``last_seen_by_lot``: lot -> latest report of any of its devices, or None)
    that count as offline at ``now_utc``: nothing reported within ``minutes``."""
    limit = now_utc - timedelta(minutes=minutes)
    return sorted(lot for lot, seen in last_seen_by_lot.items() if seen is None or seen < limit)


def five_bands(values):
    """The band (1 lowest .. 5 highest) of each value of ``values`` (a dict key -> amount): five
    equal-width bands between the smallest and the largest (大屏幕: historical income by city in
    five bands). All equal: all in band 5; empty: empty."""
    if not values:
        return {}
    low, high = min(values.values()), max(values.values())
    if high == low:
        return {key: 5 for key in values}
    width = (high - low) / 5
    return {key: min(5, int((value - low) / width) + 1) for key, value in values.items()}
