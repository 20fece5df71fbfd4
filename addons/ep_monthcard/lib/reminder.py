"""月卡推送消息 (seed 000 §2.1.3) and 到期提醒 (§2.3.5): which cards are reminded, and the text.

A lot's setting says which cards are reminded: those about to expire (即将过期: the end falls
between now and now + the window) or those that expired (已经过期: the end fell within the
window before now), the window being a week (7 days), half a month (15 days) or a month
(30 days). Without a setting a lot reminds cards expiring within a week. Pure: no odoo import.
"""
from datetime import timedelta

EXPIRING = "expiring"
EXPIRED = "expired"
WINDOW_DAYS = {"week": 7, "half_month": 15, "month": 30}
DEFAULT_EXPIRY = EXPIRING
DEFAULT_WINDOW = "week"
# The Colourlife advert some lots add to their SMS (是否短信推送彩之云广告), exactly as the seed has it.
AD = ",开通彩之云-彩钱包-我的银行卡,用彩钱包支付每月享5次98折"


def window_bounds(now, expiry=DEFAULT_EXPIRY, window=DEFAULT_WINDOW):
    """The ``(first, last)`` card end reminded at ``now`` (both included)."""
    if expiry not in (EXPIRING, EXPIRED):
        raise ValueError("unknown expiry choice %r" % (expiry,))
    if window not in WINDOW_DAYS:
        raise ValueError("unknown window %r" % (window,))
    span = timedelta(days=WINDOW_DAYS[window])
    if expiry == EXPIRING:
        return now, now + span
    return now - span, now


def is_due(now, end, expiry=DEFAULT_EXPIRY, window=DEFAULT_WINDOW):
    """Whether a card ending at ``end`` is reminded at ``now`` (expired cards: ``end`` before ``now``)."""
    first, last = window_bounds(now, expiry, window)
    if expiry == EXPIRED:
        return first <= end < now
    return first <= end <= last


def message(lot_name, plate, local_end, expiry=DEFAULT_EXPIRY, with_ad=False):
    """The reminder's text; ``local_end`` is the card's end in the lot's local time.

    E.g. "您在阳光商务大厦、车牌为沪A2Z337的月卡于9月30日已过期" (expired, without the advert).
    """
    day = "%s月%s日" % (local_end.month, local_end.day)
    if expiry == EXPIRED:
        text = "您在%s、车牌为%s的月卡于%s已过期" % (lot_name, plate, day)
    elif expiry == EXPIRING:
        text = "您在%s、车牌为%s的月卡将于%s到期" % (lot_name, plate, day)
    else:
        raise ValueError("unknown expiry choice %r" % (expiry,))
    return text + (AD if with_ad else "")
