"""Black/white list entries of a lot (seed 000 §2.2.5): states and validity windows.

An entry starts as a draft; pushing it to the lot's local server puts the plate on the
list, pushing a removal takes it off. The state changes only once the local server
acknowledged the command with result 0 (the manual's "state after success").
"""
from datetime import timedelta

BLACK, WHITE = "black", "white"
LIST_TYPES = (BLACK, WHITE)
ADD, REMOVE = "list_add", "list_remove"
COMMANDS = (ADD, REMOVE)

DRAFT = "draft"
IN_BLACK, OUT_BLACK, IN_WHITE, OUT_WHITE = "in_black", "out_black", "in_white", "out_white"
LISTED_STATES = (IN_BLACK, IN_WHITE)
UNLISTED_STATES = (OUT_BLACK, OUT_WHITE)

_STATE_AFTER = {
    (BLACK, ADD): IN_BLACK,      # 下发加入黑名单 -> 已在黑名单
    (BLACK, REMOVE): OUT_BLACK,  # 下发解除黑名单 -> 不在黑名单
    (WHITE, ADD): IN_WHITE,      # 下发加入白名单 -> 已在白名单
    (WHITE, REMOVE): OUT_WHITE,  # 下发解除白名单 -> 不在白名单
}


def state_after_ack(list_type, command):
    """The entry's state once the lot acknowledged ``command`` with success."""
    try:
        return _STATE_AFTER[(list_type, command)]
    except KeyError:
        raise ValueError("no list state for %r on a %r list" % (command, list_type)) from None


def check_window(date_start, date_end):
    """A validity window must end after it starts."""
    if not (date_start and date_end) or date_end <= date_start:
        raise ValueError("the validity window must end after it starts")


def overlaps(start_a, end_a, start_b, end_b):
    """Whether two windows share a moment; a window ending when the other starts does not."""
    return start_a < end_b and start_b < end_a


def is_expired(date_end, now):
    """The window is over: time to put the plate back where it was before the list."""
    return date_end <= now


def expires_within(date_end, now, days):
    """Still valid but ending within ``days`` days (the "expiring soon" filter)."""
    return now < date_end <= now + timedelta(days=days)


def _stamp(moment):
    return moment if isinstance(moment, str) else moment.strftime("%Y-%m-%d %H:%M:%S")


def command_args(plate, list_type, date_start, date_end):
    """The args of ``list_add``/``list_remove`` sent to the lot's local server (times in UTC)."""
    if list_type not in LIST_TYPES:
        raise ValueError("unknown list %r" % (list_type,))
    return {"plate": plate, "list": list_type, "start": _stamp(date_start), "end": _stamp(date_end)}
