"""Space locks (车位锁, seed 000 §2.5, §2.6): who may raise or lower a lock, sharing windows, and
what the paid sharing and paid reservation entry cost.

``check_operation(role, action, state, lowered_by_me, window, now)`` returns ``None`` when the
operation is allowed, else the reason (a key of ``REASONS``):

- admins (管理员) operate every lock of their lot, always;
- owners (产权人) and sharers (共享人) operate their lock, but not a lock lowered by someone else
  (当别人在使用该车位锁时…你将不能操作该车位锁);
- sharers only inside their window ``(start, end)``: from ``start`` included to ``end`` excluded.

``reservation_amount(fixed, prepaid)`` is what a paid reservation entry costs (预约固定金额 + 预付临停费用).
"""
from decimal import Decimal

from .money import round_half_up

ROLES = ("admin", "owner", "sharer")
ACTIONS = ("raise", "lower")
STATES = ("raised", "lowered", "offline", "unknown")
REASONS = {
    "role": "not a role of a lock grant",
    "action": "a lock is raised or lowered",
    "in_use": "the lock was lowered by someone else",
    "window": "outside the sharing window",
}
DEFAULT_SHARE_DEPOSIT = Decimal("50.00")
DEFAULT_RESERVATION_FEE = Decimal("5.00")


def in_window(window, now):
    """Whether ``now`` is inside ``window`` = ``(start, end)``; ``None`` bounds are open."""
    start, end = window or (None, None)
    return (start is None or now >= start) and (end is None or now < end)


def check_operation(role, action, state, lowered_by_me, window=None, now=None):
    if role not in ROLES:
        return "role"
    if action not in ACTIONS:
        return "action"
    if role == "admin":
        return None
    if role == "sharer" and not in_window(window, now):
        return "window"
    if state == "lowered" and not lowered_by_me:
        return "in_use"
    return None


def check_window(start, end):
    """A sharing window has a start before its end."""
    if start is None or end is None or not start < end:
        raise ValueError("a sharing window starts before it ends")


def reservation_amount(fixed, prepaid):
    """The fixed reservation fee plus the prepaid temporary parking fee of the window (Decimal)."""
    fixed, prepaid = round_half_up(fixed), round_half_up(prepaid)
    if fixed < 0 or prepaid < 0:
        raise ValueError("fees are not negative")
    return fixed + prepaid
