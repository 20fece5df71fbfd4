"""Invoice amounts (seed 000 §2.3.9): prices include tax (价税合计), each line's tax is split out at
its category's rate — 5 % simplified collection for parking (按5%简易征收), 6 % for property
management — rounded half-up per line; red-letter invoices negate a blue one.

``invoice_lines(items)`` groups the paid amounts by fee item (name, tax category code, rate in
percent) into ``Line(name, category, rate, gross, net, tax)``; ``totals(lines)`` adds them up.
``invoice_serial(seller, refs)`` is the request serial a provider sees: the same orders give the
same serial, so a retry after a failure cannot issue a second invoice. ``lib.request`` checks a
request as the platform does.
"""
import hashlib
import importlib
from collections import OrderedDict, namedtuple
from decimal import Decimal

_money = importlib.import_module(".".join(__name__.split(".")[:-3] + ["ep_parking", "lib", "money"]))
to_decimal, round_half_up = _money.to_decimal, _money.round_half_up

Line = namedtuple("Line", "name category rate gross net tax")
Totals = namedtuple("Totals", "gross net tax")
HUNDRED = Decimal(100)


def split_tax(gross, rate):
    """``(net, tax)`` of a tax-inclusive ``gross`` at ``rate`` percent."""
    gross, rate = round_half_up(gross), to_decimal(rate, "rate")
    if rate < 0 or rate >= HUNDRED:
        raise ValueError("a tax rate is a percentage from 0 to 100, got %s" % rate)
    tax = round_half_up(gross * rate / (HUNDRED + rate))
    return gross - tax, tax


def invoice_lines(items):
    """Lines of an invoice from ``items``: dicts ``name``, ``category``, ``rate``, ``amount``."""
    grouped = OrderedDict()
    for item in items:
        for key in ("name", "category", "rate", "amount"):
            if item.get(key) in (None, ""):
                raise ValueError("an invoice item needs its %s" % key)
        key = (item["name"], item["category"], to_decimal(item["rate"], "rate"))
        grouped[key] = grouped.get(key, Decimal("0.00")) + round_half_up(item["amount"])
    lines = []
    for (name, category, rate), gross in grouped.items():
        if gross == 0:
            continue
        net, tax = split_tax(gross, rate)
        lines.append(Line(name, category, rate, gross, net, tax))
    if not lines:
        raise ValueError("nothing to invoice")
    if any(line.gross < 0 for line in lines) and any(line.gross > 0 for line in lines):
        raise ValueError("an invoice is all blue or all red-letter")
    return lines


def totals(lines):
    zero = Decimal("0.00")
    return Totals(sum((line.gross for line in lines), zero), sum((line.net for line in lines), zero),
                  sum((line.tax for line in lines), zero))


def red_letter(lines):
    """The red-letter (credit) lines cancelling ``lines``."""
    return [Line(line.name, line.category, line.rate, -line.gross, -line.net, -line.tax) for line in lines]


def invoice_serial(seller, refs, red=False, generation=0):
    """A 20-character request serial for the orders ``refs`` (order numbers) of ``seller``.

    ``generation`` counts the earlier invoices of these orders (a blue invoice red-lettered and
    issued again gets a new serial; a retry of the same one keeps its serial)."""
    if not refs:
        raise ValueError("an invoice covers at least one order")
    text = "|".join([str(seller), "red" if red else "blue"] + sorted(str(ref) for ref in refs))
    if generation:
        text += "|%d" % int(generation)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20].upper()
