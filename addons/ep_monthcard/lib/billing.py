"""Month-card billing (seed 000 §2.3.5 月卡操作, §2.3.6 月卡缴费). Pure stdlib, no odoo import.

    renewal_quote(price, spaces, months, start, cross_month) -> Quote(amount, start, end, lines)
    discount_quote(price, spaces, months, start, discount, purchase_date, used_this_month,
                   cross_month=True) -> Quote
    rule_change_end(now, current_end, old_price, new_price) -> datetime
    match_bank_debit(amount, cards) -> {card_key: months} | None
    suspension_extension(card_end, suspend_from, resume_at, now) -> timedelta
    check_suspension_request(suspend_from, resume_at) -> int (whole days)

Money values accept ``int``, ``str`` or ``Decimal`` (never ``float``) and are rounded half-up to 2
places (:func:`money`); every amount returned is such a ``Decimal``. Datetimes are naive local
time; a ``date`` is read as its midnight. Invalid input raises :class:`BillingError` (a
``ValueError``) whose ``field`` names the culprit and whose text starts with it.

Periods
-------
``start`` is the first instant paid for: the instant after the card's current end (a card
valid "to 2017-12-31" ends at 2017-12-31 23:59:59, so ``start`` is 2018-01-01 00:00:00), or the
chosen start date of a new card. Validity always ends on the last second of its last day.

* Cross-month (跨月, the lot allows it): month ``i`` (from 0) runs from ``start + i months`` to
  ``start + (i + 1) months - 1 s``; month addition is calendar addition clamped to the month's
  end (Jan 31 + 1 month = Feb 28/29), always counted from ``start`` so Jan 31 + 2 months = Mar 31.
  ``amount = price x spaces x months``.
* Natural month (自然月): if ``start`` is the first instant of a calendar month, each month is a
  calendar month. Otherwise the first month bought is the rest of ``start``'s calendar month,
  charged by days: ``price x spaces x remaining_days / days_in_month`` rounded half-up to 0.01,
  ``remaining_days = days_in_month - start.day + 1`` (the start day counts whole, even if
  ``start`` is not a midnight); the partial month counts as one of ``months``. Seed: 30/month,
  start 2018-09-26, 2 months -> 5.00 + 30.00 = 35.00, to 2018-10-31 23:59:59.

Discounts (月卡折扣)
--------------------
``discount`` is a mapping (unknown keys are ignored):

=================  ========  ====================================================================
key                default   meaning
=================  ========  ====================================================================
``mode``           required  ``fixed_price`` (一口价): each eligible month costs ``amount`` per
                             space (a partial natural month pro rata); ``fixed_reduction`` (固定
                             优惠): the order is reduced once by ``amount``, whatever ``spaces``
``amount``         required  money >= 0
``min_months``     1         eligible months needed (缴纳月数), int >= 1
``discount_start`` None      优惠开始时间: only months whose period starts at or after it are
                             eligible; earlier months pay the normal price. None: every month
``buy_start``      None      purchase window (活动时间), inclusive; None = open. A ``date`` as
``buy_end``        None      ``buy_end`` includes that whole day
``monthly_limit``  None      每月限购次数: discounted purchases per card and calendar month of the
                             purchase date; None = unlimited, 0 = never
``active``         True      活动状态: a disabled offer never applies
=================  ========  ====================================================================

The offer applies when it is active, ``purchase_date`` is in the window, ``used_this_month <
monthly_limit`` and at least ``min_months`` of the bought months are eligible; otherwise the
quote is the plain :func:`renewal_quote`. A ``fixed_price`` is used only where it is below the
normal price, and a reduction never exceeds the eligible months' subtotal: an offer never
raises the bill nor makes it negative. ``Quote.discounted`` tells whether the offer was used
(the caller then counts it against ``monthly_limit``). Seed: card to 2017-12-31, discount start
2017-12-30, 100/month x 12, reduction 200 -> 1000.00; 200/month from 2018-06-30, discount start
2018-07-30, min 12, reduction 400: 12 months -> 2400.00 (11 eligible), 13 months -> 2200.00.

Other rules
-----------
* :func:`rule_change_end` (换规则) keeps the value of the remaining time: ``now + (current_end -
  now) x old_price / new_price``, truncated to whole seconds (100/month, 20 days left, 200/month
  -> 10 days). Low -> high shortens; high -> low lengthens (whether to apply that is the
  approver's choice, seed §2.3.5). A card already expired (``current_end <= now``) keeps its end.
  ``old_price`` may be 0 (nothing left to carry over -> ``now``); ``new_price`` must be > 0.
* :func:`match_bank_debit` (银行代扣): ``cards`` are the ``(card_key, monthly_fee)`` bound to one
  billing room, ``monthly_fee`` being the card's price x spaces. The debit renews every card of
  the room by the same N >= 1 months when ``amount = N x sum(fees)`` exactly (a single card:
  ``N x fee``); anything else, including a match of only some of the cards, is ``None`` (the
  debit stays failed, for a manual renewal). An amount <= 0 or an empty room is ``None``; a fee
  <= 0 or a repeated key is invalid input (``BillingError``).
* :func:`suspension_extension` (报停): ``now`` is when the suspension is requested and only serves
  the check ``card_end >= now + 1 calendar month`` (月卡有效期≥1个月); ``suspend_from`` must not be
  after ``card_end`` nor ``resume_at`` before ``suspend_from``. The card's end moves by the whole
  days from ``suspend_from`` to ``resume_at`` when they are >= 15, else by nothing (an early
  resume earns no extension). :func:`check_suspension_request` is the form's check: fewer than 15
  whole days raise ``BillingError`` with the seed's message "暂停时间需要≥15天".

Line labels
-----------
``Quote.lines`` is a list of ``(label, Decimal)`` summing to ``amount``. Labels are
:class:`Label` (a ``str``) with ``.key`` and ``.params``; the English text is ``LABELS[key] %
params`` so a UI can translate by key. Dates are ``YYYY-MM-DD``; ``price`` is the monthly fee
for all spaces (price x spaces, or the offer price x spaces).

=============  =========================================================  ===========================
key            English text                                               meaning
=============  =========================================================  ===========================
months         %(start)s – %(end)s (%(count)d × %(price)s)                whole months, normal price
partial        %(start)s – %(end)s (%(days)d/%(month_days)d days)         rest of a natural month
offer_months   %(start)s – %(end)s (%(count)d × %(price)s, offer)         whole months, offer price
offer_partial  %(start)s – %(end)s (%(days)d/%(month_days)d days, offer)  rest of a month, offer price
reduction      Discount %(amount)s                                        ``fixed_reduction`` (< 0)
=============  =========================================================  ===========================
"""
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import NamedTuple

from . import sibling
from .period import ONE_SECOND, add_months, days_in_month, month_end

MODES = ("fixed_price", "fixed_reduction")
MIN_SUSPENSION_DAYS = 15
SUSPENSION_TOO_SHORT = "暂停时间需要≥15天"

LABELS = {
    "months": "%(start)s – %(end)s (%(count)d × %(price)s)",
    "partial": "%(start)s – %(end)s (%(days)d/%(month_days)d days)",
    "offer_months": "%(start)s – %(end)s (%(count)d × %(price)s, offer)",
    "offer_partial": "%(start)s – %(end)s (%(days)d/%(month_days)d days, offer)",
    "reduction": "Discount %(amount)s",
}
Label = sibling("ep_parking", "labels").label_class(LABELS, __name__)
OFFER_KEYS = frozenset(("offer_months", "offer_partial", "reduction"))

_CENT = Decimal("0.01")
ZERO = Decimal("0.00")


class BillingError(ValueError):
    """Input that cannot be billed; ``field`` names the culprit, ``reason`` says why."""

    def __init__(self, field, reason):
        super().__init__("%s: %s" % (field, reason))
        self.field = field
        self.reason = reason


class Quote(NamedTuple):
    amount: Decimal
    start: datetime
    end: datetime
    lines: list

    @property
    def discounted(self):
        """Whether a discount offer shaped this quote (it then counts against the monthly limit)."""
        return any(getattr(label, "key", None) in OFFER_KEYS for label, _amount in self.lines)


class _Period(NamedTuple):
    start: datetime
    end: datetime
    days: int  # charged days of a partial natural month, 0 for a whole month
    month_days: int


# ---------------------------------------------------------------- validation

def money(value, field="amount"):
    """An amount (``int``, ``str`` or ``Decimal``; not ``float``) as a ``Decimal`` rounded half-up
    to 2 places. Any sign; raises :class:`BillingError` naming ``field``."""
    if value is None:
        raise BillingError(field, "required")
    if isinstance(value, bool) or not isinstance(value, (int, str, Decimal)):
        raise BillingError(field, "must be an int, str or Decimal amount, not %s" % type(value).__name__)
    try:
        amount = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        raise BillingError(field, "not an amount: %r" % (value,)) from None
    if not amount.is_finite():
        raise BillingError(field, "not an amount: %r" % (value,))
    return amount.quantize(_CENT, rounding=ROUND_HALF_UP)


def _price(value, field):
    amount = money(value, field)
    if amount < 0:
        raise BillingError(field, "must not be negative")
    return amount


def _count(value, field, minimum):
    if isinstance(value, bool) or not isinstance(value, int):
        raise BillingError(field, "must be a whole number, not %r" % (value,))
    if value < minimum:
        raise BillingError(field, "must be at least %d" % minimum)
    return value


def _moment(value, field, required=True):
    if value is None and not required:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            raise BillingError(field, "must be a naive local datetime")
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    raise BillingError(field, "must be a datetime or a date, not %r" % (value,))


def _cents(amount):
    return int(amount * 100)


# ---------------------------------------------------------------- periods

def _day(moment):
    return moment.date().isoformat()


def _is_month_start(moment):
    return moment.day == 1 and moment.time() == datetime.min.time()


def _periods(start, months, cross_month):
    """The ``months`` periods bought from ``start``, in order."""
    try:
        if cross_month:
            bounds = [add_months(start, index) for index in range(months + 1)]
            return [_Period(bounds[index], bounds[index + 1] - ONE_SECOND, 0, 0) for index in range(months)]
        periods = []
        first = datetime(start.year, start.month, 1)
        if not _is_month_start(start):
            month_days = days_in_month(start.year, start.month)
            periods.append(_Period(start, month_end(start), month_days - start.day + 1, month_days))
            first = add_months(first, 1)
        for index in range(months - len(periods)):
            month = add_months(first, index)
            periods.append(_Period(month, month_end(month), 0, 0))
        return periods
    except (ValueError, OverflowError):
        raise BillingError("months", "the period would end after year 9999") from None


def _lines(periods, fee, offer_fee=None, eligible=None):
    """Lines for ``periods`` at the monthly ``fee`` (all spaces); where ``eligible`` and
    ``offer_fee`` is set, at ``offer_fee``. Runs of whole months at one price share a line."""
    lines = []
    run = None  # [first, last, count, fee, key]
    for index, period in enumerate(periods):
        offered = offer_fee is not None and eligible[index]
        month_fee = offer_fee if offered else fee
        if period.days:
            key = "offer_partial" if offered else "partial"
            amount = (month_fee * period.days / period.month_days).quantize(_CENT, rounding=ROUND_HALF_UP)
            lines.append((Label(key, start=_day(period.start), end=_day(period.end), days=period.days,
                                month_days=period.month_days), amount))
            continue
        key = "offer_months" if offered else "months"
        if run is not None and run[4] == key:
            run[1] = period
            run[2] += 1
            continue
        if run is not None:
            lines.append(_run_line(run))
        run = [period, period, 1, month_fee, key]
    if run is not None:
        lines.append(_run_line(run))
    return lines


def _run_line(run):
    first, last, count, fee, key = run
    label = Label(key, start=_day(first.start), end=_day(last.end), count=count, price=str(fee))
    return label, fee * count


def _base(price, spaces, months, start):
    return (_price(price, "price"), _count(spaces, "spaces", 1), _count(months, "months", 1),
            _moment(start, "start"))


def _total(lines):
    return sum((amount for _label, amount in lines), ZERO)


# ---------------------------------------------------------------- quotes

def renewal_quote(price, spaces, months, start, cross_month):
    """The fee and validity of ``months`` months at ``price`` per space and month from ``start``."""
    price, spaces, months, start = _base(price, spaces, months, start)
    periods = _periods(start, months, bool(cross_month))
    lines = _lines(periods, price * spaces)
    return Quote(_total(lines), start, periods[-1].end, lines)


def _offer(discount):
    if not isinstance(discount, Mapping):
        raise BillingError("discount", "must be a mapping")
    mode = discount.get("mode")
    if mode not in MODES:
        raise BillingError("discount.mode", "must be one of %s, not %r" % (", ".join(MODES), mode))
    limit = discount.get("monthly_limit")
    offer = {
        "mode": mode,
        "amount": _price(discount.get("amount"), "discount.amount"),
        "min_months": _count(discount.get("min_months", 1), "discount.min_months", 1),
        "discount_start": _moment(discount.get("discount_start"), "discount.discount_start", required=False),
        "buy_start": _moment(discount.get("buy_start"), "discount.buy_start", required=False),
        "buy_end": _moment(discount.get("buy_end"), "discount.buy_end", required=False),
        "monthly_limit": None if limit is None else _count(limit, "discount.monthly_limit", 0),
        "active": discount.get("active", True),
    }
    buy_end = discount.get("buy_end")
    if isinstance(buy_end, date) and not isinstance(buy_end, datetime):
        offer["buy_end"] += timedelta(days=1) - timedelta(microseconds=1)  # the whole last day
    if offer["buy_start"] and offer["buy_end"] and offer["buy_end"] < offer["buy_start"]:
        raise BillingError("discount.buy_end", "before buy_start")
    if not isinstance(offer["active"], bool):
        raise BillingError("discount.active", "must be true or false")
    return offer


def discount_quote(price, spaces, months, start, discount, purchase_date, used_this_month, cross_month=True):
    """Like :func:`renewal_quote`, with the discount offer ``discount`` applied when the purchase
    qualifies (see the module docstring)."""
    price, spaces, months, start = _base(price, spaces, months, start)
    offer = _offer(discount)
    purchase = _moment(purchase_date, "purchase_date")
    used = _count(used_this_month, "used_this_month", 0)
    periods = _periods(start, months, bool(cross_month))
    fee = price * spaces
    plain_lines = _lines(periods, fee)
    plain = Quote(_total(plain_lines), start, periods[-1].end, plain_lines)

    limit = offer["monthly_limit"]
    if (not offer["active"] or (offer["buy_start"] and purchase < offer["buy_start"])
            or (offer["buy_end"] and purchase > offer["buy_end"]) or (limit is not None and used >= limit)):
        return plain
    eligible = [offer["discount_start"] is None or period.start >= offer["discount_start"] for period in periods]
    if sum(eligible) < offer["min_months"]:
        return plain

    if offer["mode"] == "fixed_price":
        if offer["amount"] >= price:
            return plain
        lines = _lines(periods, fee, offer["amount"] * spaces, eligible)
    else:
        eligible_total = _total(_lines([p for p, ok in zip(periods, eligible, strict=True) if ok], fee))
        reduction = min(offer["amount"], eligible_total)
        if not reduction:
            return plain
        lines = plain_lines + [(Label("reduction", amount=str(reduction)), -reduction)]
    return Quote(_total(lines), start, periods[-1].end, lines)


# ---------------------------------------------------------------- rule change, bank debit

def rule_change_end(now, current_end, old_price, new_price):
    """The card's new end when its monthly price changes from ``old_price`` to ``new_price`` at
    ``now``: the remaining time scaled by ``old_price / new_price``, whole seconds."""
    now = _moment(now, "now")
    current_end = _moment(current_end, "current_end")
    old = _price(old_price, "old_price")
    new = _price(new_price, "new_price")
    if not new:
        raise BillingError("new_price", "must be more than 0")
    if current_end <= now:
        return current_end
    remaining = (current_end - now) // timedelta(microseconds=1)
    seconds = remaining * _cents(old) // (_cents(new) * 1000000)
    try:
        return now + timedelta(seconds=seconds)
    except OverflowError:
        raise BillingError("new_price", "the new end would be after year 9999") from None


def match_bank_debit(amount, cards):
    """``{card_key: months}`` renewing every card of the billing room by the same whole number
    of months the debit ``amount`` pays exactly, else ``None``."""
    total = money(amount, "amount")
    if isinstance(cards, (str, bytes, Mapping)):
        raise BillingError("cards", "must be a list of (card_key, monthly_fee)")
    fees = {}
    for index, card in enumerate(cards):
        try:
            key, fee = card
        except (TypeError, ValueError):
            raise BillingError("cards[%d]" % index, "must be a (card_key, monthly_fee) pair") from None
        fee = money(fee, "cards[%d].monthly_fee" % index)
        if fee <= 0:
            raise BillingError("cards[%d].monthly_fee" % index, "must be more than 0")
        if key in fees:
            raise BillingError("cards[%d]" % index, "card %r listed twice" % (key,))
        fees[key] = fee
    if not fees or total <= 0:
        return None
    months, rest = divmod(_cents(total), sum(_cents(fee) for fee in fees.values()))
    if rest or not months:
        return None
    return {key: months for key in fees}


# ---------------------------------------------------------------- suspension

def check_suspension_request(suspend_from, resume_at):
    """The form's check of a suspension request: the whole days asked for (>= 15), else
    :class:`BillingError` with the seed's message."""
    suspend_from = _moment(suspend_from, "suspend_from")
    resume_at = _moment(resume_at, "resume_at")
    if resume_at < suspend_from:
        raise BillingError("resume_at", "before suspend_from")
    days = (resume_at - suspend_from).days
    if days < MIN_SUSPENSION_DAYS:
        raise BillingError("resume_at", SUSPENSION_TOO_SHORT)
    return days


def suspension_extension(card_end, suspend_from, resume_at, now):
    """How far a suspension from ``suspend_from`` to the actual ``resume_at`` moves the card's end:
    the whole days suspended if >= 15, else nothing."""
    card_end = _moment(card_end, "card_end")
    suspend_from = _moment(suspend_from, "suspend_from")
    resume_at = _moment(resume_at, "resume_at")
    now = _moment(now, "now")
    try:
        needed = add_months(now, 1)
    except ValueError:
        raise BillingError("now", "out of range") from None
    if card_end < needed:
        raise BillingError("card_end", "the card must be valid for at least one more month (to %s)" % needed)
    if suspend_from > card_end:
        raise BillingError("suspend_from", "after the card's end")
    if resume_at < suspend_from:
        raise BillingError("resume_at", "before suspend_from")
    days = (resume_at - suspend_from).days
    return timedelta(days=days) if days >= MIN_SUSPENSION_DAYS else timedelta(0)
