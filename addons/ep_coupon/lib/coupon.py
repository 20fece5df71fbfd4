"""Merchant parking coupons (seed 000 §2.4). Pure stdlib, no odoo import.

    pick_coupon(fee, face_values) -> one of face_values | None
    apply_coupons(fee, coupons, merchant_kind, preexit_enabled) -> Applied(amount_covered, remaining_fee, used)
    release_deadline(paid_at, minutes=15) -> datetime
    release_due(paid_at, now, minutes=15) -> bool
    check_limit(used, requested, limit) -> what is left after the request | None (no limit)

A coupon is in substance temporary-parking fee paid by the merchant (§2.4). Money values accept
``int``, ``str`` or ``Decimal`` (never ``float``) and are rounded half-up to 2 places first
(:func:`money`); every amount returned is such a ``Decimal``, computed without floats. Invalid
input raises :class:`CouponError` (a ``ValueError``) whose ``field`` names the culprit and whose
text starts with it.

Kinds
-----
``merchant_kind`` and a coupon's ``kind`` are ``"fixed"`` (定额券, always an amount off) or
``"variable"`` (不定额券, the "release" coupon 放行券); the Chinese names ``"定额"`` / ``"不定额"``
(with or without ``券``) are accepted too.

Coupons
-------
``coupons`` is an iterable of plain mappings (``dict``), :class:`Coupon` named tuples or any object
with these attributes (an Odoo record will do); other keys / attributes are ignored and carried
along untouched:

==================  ===================  ===========================================================
key                 default              meaning
==================  ===================  ===========================================================
``kind``            ``merchant_kind``    must equal ``merchant_kind`` (one merchant's coupons)
``face_value``      required for fixed   money > 0; ignored for a variable coupon
``max_face_value``  ``None``             variable only: 最大面值 (§2.4.2 1 A), money > 0 or ``None``
                                         (no cap); ignored for a fixed coupon
==================  ===================  ===========================================================

``Applied.used`` is a new list of the coupons consumed, the very objects given, in the order they
were given and consumed. What each one covered follows: a fixed coupon covers its face value,
except the last one used, which covers what was left of the fee (the excess is lost); a variable
coupon covers ``amount_covered``. ``amount_covered + remaining_fee == fee`` always.

Pre-exit table (§2.4.3 优惠券预出场配置, 停车场优惠券用券逻辑)
----------------------------------------------------------------
=================  ===========================  ======================================
商家 (merchant)    默认/禁用预出场 (off)        启用预出场 (on)
=================  ===========================  ======================================
定额 (fixed)       发券时用券                   预出场时用券，多张定额券自动叠加
不定额 (variable)  发券时用券（0元无意义）      预出场时用券，0元也使用
=================  ===========================  ======================================

How :func:`apply_coupons` reads it; ``fee`` is the fee at the moment of the call (issue time when
pre-exit is off, pre-exit time when it is on):

* fixed, off: the coupon is used when issued, one coupon per issue: only the first coupon given is
  consumed (no stacking), covering ``min(face_value, fee)``; the others are left alone. The table
  makes no exception for a 0 fee: the coupon is consumed and covers 0.00.
* fixed, on: at pre-exit the coupons stack: they are consumed in the given order until the fee is
  covered; the coupons not needed stay unused (at a 0 fee none is used).
* variable, off: the coupon is used when issued and covers the fee at that moment, at most its
  ``max_face_value``. At a 0 fee it has no meaning: nothing is applied, nothing consumed.
* variable, on: the coupon is used at pre-exit, covering the fee (at most ``max_face_value``), even
  at a 0 fee (consumed, covering 0.00).
* Variable coupons never stack (only fixed ones do, per the table): only the first is used, in
  both columns; a cap below the fee leaves the rest due (fee 15, cap 10 -> covers 10, remains 5).
* No coupons: nothing covered, the whole fee remains.

Other rules
-----------
* :func:`pick_coupon` (§2.4.4 1 A 商户发券): among the merchant's face values, the smallest one
  >= the fee, else (none is enough) the largest; ties keep the first given; ``None`` when there is
  none. It returns the element given (not a rounded copy).
* :func:`release_deadline` / :func:`release_due` (§2.4.2 1 B 放行券): after the coupon was applied
  at ``paid_at`` the car must leave within ``minutes`` (15); leaving at the deadline itself is in
  time, later the remaining fee is due again.
* :func:`check_limit` (§2.4.1 6 购买/发券限制, §2.4.2 2 发放总额): ``used`` so far in the period
  (see :func:`ep_coupon.lib.limits.period_bounds`) plus ``requested`` must not exceed ``limit``;
  ``None`` is no limit. All three ints: a count (张数), the result is an int; otherwise money
  amounts, the result a ``Decimal``. Returns what is left after the request (the 余额 to show), or
  ``None`` without a limit; raises :class:`LimitExceeded` otherwise.
"""
from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, NamedTuple

FIXED = "fixed"
VARIABLE = "variable"
MERCHANT_KINDS = (FIXED, VARIABLE)
KIND_ALIASES = {
    FIXED: FIXED,
    "定额": FIXED,
    "定额券": FIXED,
    VARIABLE: VARIABLE,
    "不定额": VARIABLE,
    "不定额券": VARIABLE,
}
RELEASE_MINUTES = 15

_CENT = Decimal("0.01")
ZERO = Decimal("0.00")
_MISSING = object()


class CouponError(ValueError):
    """Input that makes no sense; ``field`` names the culprit, ``reason`` says why."""

    def __init__(self, field, reason):
        super().__init__("%s: %s" % (field, reason))
        self.field = field
        self.reason = reason

    def __reduce__(self):
        return type(self), (self.field, self.reason)


class LimitExceeded(CouponError):
    """A purchase / issue limit would be exceeded: ``used + requested > limit``."""

    def __init__(self, used, requested, limit):
        self.used = used
        self.requested = requested
        self.limit = limit
        self.available = limit - used if used < limit else limit * 0  # same type as limit
        super().__init__(
            "limit",
            "exceeded: %s used + %s requested > limit %s (%s left)" % (used, requested, limit, self.available),
        )

    def __reduce__(self):
        return type(self), (self.used, self.requested, self.limit)


class Coupon(NamedTuple):
    """A convenient coupon shape; plain dicts work as well (see the module docstring)."""

    face_value: Any = None
    kind: Any = None  # None: the merchant's kind
    max_face_value: Any = None


class Applied(NamedTuple):
    amount_covered: Decimal
    remaining_fee: Decimal
    used: list


# ---------------------------------------------------------------- validation


def money(value, field="amount"):
    """An amount (``int``, ``str`` or ``Decimal``; not ``float``) as a ``Decimal`` rounded half-up
    to 2 places. Any sign; raises :class:`CouponError` naming ``field``."""
    if value is None:
        raise CouponError(field, "required")
    if isinstance(value, bool) or not isinstance(value, (int, str, Decimal)):
        raise CouponError(field, "must be an int, str or Decimal amount, not %s" % type(value).__name__)
    try:
        amount = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        raise CouponError(field, "not an amount: %r" % (value,)) from None
    if not amount.is_finite():
        raise CouponError(field, "not an amount: %r" % (value,))
    return amount.quantize(_CENT, rounding=ROUND_HALF_UP)


def _fee(value, field="fee"):
    amount = money(value, field)
    if amount < 0:
        raise CouponError(field, "must not be negative")
    return amount


def _positive(value, field):
    amount = money(value, field)
    if amount <= 0:
        raise CouponError(field, "must be greater than 0")
    return amount


def _kind(value, field):
    if isinstance(value, str) and value.strip() in KIND_ALIASES:
        return KIND_ALIASES[value.strip()]
    raise CouponError(field, "must be one of %s, got %r" % (", ".join(MERCHANT_KINDS), value))


def _flag(value, field):
    if isinstance(value, bool) or (isinstance(value, int) and value in (0, 1)):
        return bool(value)
    raise CouponError(field, "must be a bool, got %r" % (value,))


def _get(coupon, key):
    if isinstance(coupon, Mapping):
        return coupon.get(key, _MISSING)
    return getattr(coupon, key, _MISSING)


def _value_of(coupon, index, merchant_kind):
    """The coupon's value: its face value (fixed) or its cap, ``None`` = none (variable)."""
    field = "coupons[%d]" % index
    if isinstance(coupon, (str, bytes, int, Decimal, float)) or coupon is None:
        raise CouponError(field, "must be a mapping or an object with face_value/kind, got %r" % (coupon,))
    kind = _get(coupon, "kind")
    kind = merchant_kind if kind is _MISSING or kind is None else _kind(kind, field + ".kind")
    if kind != merchant_kind:
        raise CouponError(field + ".kind", "a %s coupon given for a %s merchant" % (kind, merchant_kind))
    if kind == FIXED:
        face = _get(coupon, "face_value")
        return _positive(None if face is _MISSING else face, field + ".face_value")
    cap = _get(coupon, "max_face_value")
    if cap is _MISSING or cap is None:
        return None
    return _positive(cap, field + ".max_face_value")


def _minutes(value):
    if isinstance(value, bool) or not isinstance(value, int):
        raise CouponError("minutes", "must be a whole number, not %r" % (value,))
    if value < 0:
        raise CouponError("minutes", "must not be negative")
    return value


def _moment(value, field):
    if not isinstance(value, datetime):
        raise CouponError(field, "must be a datetime, not %s" % type(value).__name__)
    return value


# ---------------------------------------------------------------- contracts


def pick_coupon(fee, face_values):
    """The face value to issue for ``fee`` (§2.4.4 1 A): the smallest one >= ``fee``, else the
    largest; ``None`` when ``face_values`` is empty. Returns the element given."""
    amount = _fee(fee)
    best_enough = best_enough_value = largest = largest_value = None
    for index, face in enumerate(face_values):
        value = _positive(face, "face_values[%d]" % index)
        if value >= amount and (best_enough_value is None or value < best_enough_value):
            best_enough, best_enough_value = face, value
        if largest_value is None or value > largest_value:
            largest, largest_value = face, value
    return best_enough if best_enough_value is not None else largest


def apply_coupons(fee, coupons, merchant_kind, preexit_enabled):
    """Apply one merchant's coupons to ``fee`` per the §2.4.3 table (see the module docstring)."""
    amount = _fee(fee)
    merchant_kind = _kind(merchant_kind, "merchant_kind")
    preexit = _flag(preexit_enabled, "preexit_enabled")
    if coupons is None or isinstance(coupons, (str, bytes, Mapping)):
        raise CouponError("coupons", "must be a list of coupons, got %r" % (coupons,))
    coupons = list(coupons)
    values = [_value_of(coupon, index, merchant_kind) for index, coupon in enumerate(coupons)]
    if not coupons:
        return Applied(ZERO, amount, [])

    if merchant_kind == VARIABLE:
        if amount == 0 and not preexit:
            return Applied(ZERO, amount, [])  # 发券时用券（0元无意义）
        cap = values[0]
        covered = amount if cap is None else min(amount, cap)
        return Applied(covered, amount - covered, [coupons[0]])

    if not preexit:  # 发券时用券: one coupon per issue
        covered = min(amount, values[0])
        return Applied(covered, amount - covered, [coupons[0]])

    used = []  # 预出场时用券，多张定额券自动叠加
    left = amount
    for coupon, value in zip(coupons, values, strict=True):
        if left == 0:
            break
        used.append(coupon)
        left -= min(left, value)
    return Applied(amount - left, left, used)


def release_deadline(paid_at, minutes=RELEASE_MINUTES):
    """Latest exit time after a release coupon (放行券) was applied at ``paid_at`` (§2.4.2 1 B)."""
    return _moment(paid_at, "paid_at") + timedelta(minutes=_minutes(minutes))


def release_due(paid_at, now, minutes=RELEASE_MINUTES):
    """Whether the remaining fee is due again: ``now`` is after the release deadline."""
    deadline = release_deadline(paid_at, minutes)
    now = _moment(now, "now")
    if (deadline.utcoffset() is None) != (now.utcoffset() is None):
        raise CouponError("now", "cannot compare naive and aware datetimes")
    return now > deadline


def check_limit(used, requested, limit):
    """Check a purchase / issue limit (counts or money); returns what is left after the request,
    ``None`` without a limit, or raises :class:`LimitExceeded`."""
    counts = all(isinstance(v, int) and not isinstance(v, bool) for v in (used, requested, limit) if v is not None)
    values = []
    for field, value in (("used", used), ("requested", requested), ("limit", limit)):
        if value is None and field == "limit":
            values.append(None)
            continue
        if counts:
            number = value
        else:
            number = money(value, field)
        if number is None:
            raise CouponError(field, "required")
        if number < 0:
            raise CouponError(field, "must not be negative")
        values.append(number)
    used, requested, limit = values
    if limit is None:
        return None
    if used + requested > limit:
        raise LimitExceeded(used, requested, limit)
    return limit - used - requested
