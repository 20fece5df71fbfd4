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


def allocate(amount, weights):
    """``amount`` split in proportion to ``weights`` (cents, half-up; the last part takes the rest,
    so the parts add up to ``amount``). Zero weights put it all on the last part."""
    amount = round_half_up(amount)
    weights = [to_decimal(weight, "weight") for weight in weights]
    if not weights or any(weight < 0 for weight in weights):
        raise ValueError("allocate needs non-negative weights")
    total = sum(weights)
    if not total:
        return [Decimal("0.00")] * (len(weights) - 1) + [amount]
    parts = [round_half_up(amount * weight / total) for weight in weights[:-1]]
    return parts + [amount - sum(parts, Decimal("0.00"))]
