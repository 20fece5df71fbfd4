"""Money as Decimal: accepts int, str or Decimal (never float), rounds half-up to cents."""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")


def to_decimal(value, what="amount"):
    if isinstance(value, bool) or not isinstance(value, (int, str, Decimal)):
        raise ValueError("%s must be an int, str or Decimal, got %r" % (what, value))
    try:
        result = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation as exc:
        raise ValueError("%s is not a number: %r" % (what, value)) from exc
    if not result.is_finite():
        raise ValueError("%s must be finite, got %r" % (what, value))
    return result


def round_half_up(amount, step=CENT):
    return to_decimal(amount).quantize(to_decimal(step, "step"), rounding=ROUND_HALF_UP)
