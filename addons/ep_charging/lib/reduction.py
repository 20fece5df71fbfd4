"""Parking reductions for charging customers (减免订单, seed 004 §5.2): a completed charging order at
a station in a parking lot earns the car a reduction of its parking fee — an amount off (抵扣额度)
or the whole fee (全免) — once it charged at least the station's minimum energy."""
from decimal import Decimal

from .money import round_half_up, to_decimal

KINDS = ("amount", "free")
ZERO = Decimal("0.00")


def earns_reduction(kwh, min_kwh):
    """Whether a session of ``kwh`` earns the station's reduction (``min_kwh`` 0: every session)."""
    return to_decimal(kwh, "kwh") >= to_decimal(min_kwh, "min_kwh") and to_decimal(kwh, "kwh") > 0


def reduction_amount(kind, value, fee_left):
    """What a reduction covers of the parking fee still due ``fee_left``."""
    if kind not in KINDS:
        raise ValueError("a reduction is an amount off or free parking, not %r" % (kind,))
    left = max(round_half_up(fee_left), ZERO)
    if kind == "free":
        return left
    value = round_half_up(value)
    if value < 0:
        raise ValueError("a reduction amount must not be negative")
    return min(value, left)
