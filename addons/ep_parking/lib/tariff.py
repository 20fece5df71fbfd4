"""Temporary-parking tariff engine (seed 000 §2.3.7 B 云端计费). Pure stdlib, no odoo import.

    compute_fee(rule, entry, exit, history=()) -> FeeResult(amount, lines)
    validate_rule(rule) -> normalised, read-only rule (raises ValueError naming the field)

``amount`` is a ``Decimal`` with 2 places; ``lines`` is a list of ``(label, Decimal)`` summing to
``amount``. ``history`` holds earlier stays of the same plate at the same lot as
``(entry, exit, amount_charged)``. Naive datetimes are local lot time. Money values accept
``int``, ``str`` or ``Decimal`` (never ``float``) with at most 2 decimals.

Rule keys
---------
Common: ``model`` (``per_entry`` | ``per_hour`` | ``time_segment`` | ``tiered``), ``free_minutes``
(int >= 0), ``cycle`` (``24h`` | ``midnight``), ``max_amount`` (cap per cycle, optional),
``min_amount`` (optional, applied to each cycle's part before the cap). Per model:

* ``per_entry``: ``amount``, charged once for each cycle the stay touches.
* ``per_hour``: ``first_minutes``, ``first_amount`` (first block from the entry, free minutes
  included), ``unit_minutes``, ``unit_amount`` (each started unit after the first block),
  ``repeat`` (bool, default false).
* ``time_segment``: ``segments``: ``[{"start": "HH:MM", "end": "HH:MM", "amount": x}, ...]``,
  any order, together covering the day exactly once ("24:00" is accepted as an end; one segment
  may wrap over midnight, e.g. 22:00-06:00; a single segment 00:00-00:00 is the whole day).
* ``tiered``: ``tiers``: ``[{"up_to_minutes": m, "amount": x}, ...]``, ``up_to_minutes``
  strictly ascending and <= 1440, amounts not decreasing.

Keys not used by the rule's model are ignored; ``None`` for an optional key means "not set".

Speed: ``validate_rule`` returns a read-only :class:`Rule` carrying a compiled form; ``compute_fee``
does not validate a ``Rule`` again. Plain dicts are validated through a small cache keyed by their
``repr`` (so a dict changed in place is validated again). Labels and line tuples are shared
between results: treat them as read-only (the ``lines`` list itself is new for each call).

Semantics (where the seed is silent)
------------------------------------
* Durations are whole seconds (microseconds dropped). A stay not longer than ``free_minutes``
  costs 0; otherwise the free minutes give no discount.
* Cycles: ``midnight`` = calendar days; ``24h`` = 24 h from the anchor. The anchor is the current
  entry, except for ``per_hour`` without ``repeat``: the entry of the earliest ``history`` stay
  that began less than 24 h before the current entry.
* A stay spanning several cycles is priced cycle by cycle, each part as a stay of its own
  (``per_hour``'s first block restarts, no free minutes), then ``min_amount``, then the cap.
* ``per_hour`` without ``repeat``: ``history`` stays that began in the current entry's cycle
  (before the current entry) count against that cycle's cap: the cycle pays at most
  ``max_amount - paid``. Without ``max_amount`` history changes nothing. Other models and
  ``repeat`` ignore ``history``.
* ``time_segment``: a segment occurrence (a window starting on a given calendar day; a wrapping
  segment is one window over midnight) overlapped by a cycle's part is charged once in that cycle.
  With ``24h`` cycles not starting at midnight one cycle can overlap two windows of the same segment.
* ``tiered``: a cycle's part pays the first tier covering its minutes, the last tier beyond it.

Line labels
-----------
Labels are :class:`Label` (a ``str``) with ``.key`` and ``.params``; the English text is
``LABELS[key] % params`` so a UI can translate by key. Stable keys:

=============  ===========================================  ==========================================
key            English text                                 meaning
=============  ===========================================  ==========================================
free           Free %(minutes)d min                         stay within the free minutes (0.00)
cycle          Cycle %(start)s                              header of a cycle (0.00), multi-cycle only
full_cycles    %(count)d full cycles from %(start)s         several identical full cycles, total
per_entry      Per entry                                    ``per_entry`` amount
first_block    First %(minutes)d min                        ``per_hour`` first block
units          %(count)d x %(minutes)d min                  ``per_hour`` started units
segment        %(day)s %(start)s-%(end)s                    ``time_segment`` window (day YYYY-MM-DD)
tier           Up to %(minutes)d min                        ``tiered`` tier
tier_over      Over %(minutes)d min                         ``tiered`` beyond the last tier
minimum        Minimum %(amount)s                           raise to ``min_amount`` (positive)
cap            Cap %(amount)s                               cut to ``max_amount`` (negative)
paid_earlier   Paid earlier in cycle %(amount)s             cut by earlier payments (negative)
=============  ===========================================  ==========================================
"""
from bisect import bisect_left
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from .labels import label_class

MODELS = ("per_entry", "per_hour", "time_segment", "tiered")
CYCLES = ("24h", "midnight")

LABELS = {
    "free": "Free %(minutes)d min",
    "cycle": "Cycle %(start)s",
    "full_cycles": "%(count)d full cycles from %(start)s",
    "per_entry": "Per entry",
    "first_block": "First %(minutes)d min",
    "units": "%(count)d x %(minutes)d min",
    "segment": "%(day)s %(start)s-%(end)s",
    "tier": "Up to %(minutes)d min",
    "tier_over": "Over %(minutes)d min",
    "minimum": "Minimum %(amount)s",
    "cap": "Cap %(amount)s",
    "paid_earlier": "Paid earlier in cycle %(amount)s",
}
Label = label_class(LABELS, __name__)

DAY = 86400
_ONE_DAY = timedelta(days=1)
_MIDNIGHT = time()
_CENT = Decimal("0.01")
ZERO = Decimal("0.00")


class FeeResult(NamedTuple):
    amount: Decimal
    lines: list


class Rule(dict):
    """A validated, normalised rule (read-only). ``compute_fee`` does not validate it again."""

    def _read_only(self, *args, **kwargs):
        raise TypeError("a validated tariff rule is read-only")

    __setitem__ = __delitem__ = __ior__ = clear = pop = popitem = setdefault = update = _read_only


# ---------------------------------------------------------------- validation

def _money(value, field, required=True):
    if value is None:
        if required:
            raise ValueError("%s: required" % field)
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str, Decimal)):
        raise ValueError("%s: must be an int, str or Decimal amount, not %s" % (field, type(value).__name__))
    try:
        amount = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        raise ValueError("%s: not an amount: %r" % (field, value)) from None
    if not amount.is_finite():
        raise ValueError("%s: not an amount: %r" % (field, value))
    if amount < 0:
        raise ValueError("%s: must not be negative" % field)
    quantized = amount.quantize(_CENT)
    if quantized != amount:
        raise ValueError("%s: at most 2 decimals" % field)
    return quantized


def _minutes(value, field, minimum=0):
    if value is None:
        raise ValueError("%s: required" % field)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("%s: must be an integer number of minutes" % field)
    if value < minimum:
        raise ValueError("%s: must be at least %d" % (field, minimum))
    return value


def _clock(value, field, allow_24=False):
    if not isinstance(value, str) or len(value.strip()) != 5 or value.strip()[2] != ":":
        raise ValueError("%s: must be HH:MM" % field)
    hours, minutes = value.strip()[:2], value.strip()[3:]
    if not (hours.isdigit() and minutes.isdigit()):
        raise ValueError("%s: must be HH:MM" % field)
    total = int(hours) * 60 + int(minutes)
    if int(minutes) > 59 or total > 1440 or (total == 1440 and not allow_24):
        raise ValueError("%s: not a time of day: %s" % (field, value))
    return total


def _hhmm(minutes):
    return "%02d:%02d" % divmod(minutes, 60)


class _Compiled:
    __slots__ = ("model", "free", "free_minutes", "midnight", "cap", "minimum", "uses_history", "amount",
                 "first", "first_minutes", "first_amount", "unit", "unit_minutes", "unit_amount",
                 "segments", "tier_limits", "tiers", "tier_over_line", "free_line", "first_line", "unit_lines",
                 "per_entry_line", "cap_label", "minimum_label", "windows")


_RULES = {}  # repr(raw dict) -> Rule: plain dicts passed again and again are validated once
_RULES_SIZE = 1000


def validate_rule(rule):
    """Check ``rule`` and return it normalised (a read-only :class:`Rule`); raise ValueError naming the field."""
    if isinstance(rule, Rule):
        return rule
    if not isinstance(rule, dict):
        raise ValueError("rule: must be a dict")
    # repr() of the plain values a rule holds (str, int, bool, None, Decimal, lists and dicts of them) tells
    # them apart (5 / '5' / Decimal('5') / 5.0); an object with an odd repr only misses the cache.
    key = repr(rule) if type(rule) is dict else None
    result = _RULES.get(key) if key is not None else None
    if result is None:
        result = _validate(rule)
        if key is not None:
            if len(_RULES) >= _RULES_SIZE:
                _RULES.clear()
            _RULES[key] = result
    return result


def _validate(rule):
    model = rule.get("model")
    if model not in MODELS:
        raise ValueError("model: must be one of %s, not %r" % (", ".join(MODELS), model))
    cycle = rule.get("cycle")
    if cycle not in CYCLES:
        raise ValueError("cycle: must be one of %s, not %r" % (", ".join(CYCLES), cycle))
    out = {"model": model, "cycle": cycle,
           "free_minutes": _minutes(rule.get("free_minutes"), "free_minutes"),
           "max_amount": _money(rule.get("max_amount"), "max_amount", required=False),
           "min_amount": _money(rule.get("min_amount"), "min_amount", required=False)}
    if out["min_amount"] is not None and out["max_amount"] is not None and out["min_amount"] > out["max_amount"]:
        raise ValueError("min_amount: greater than max_amount")
    comp = _Compiled()
    comp.model = model
    comp.free_minutes = out["free_minutes"]
    comp.free = out["free_minutes"] * 60
    comp.midnight = cycle == "midnight"
    comp.cap = out["max_amount"]
    comp.minimum = out["min_amount"]
    comp.uses_history = False
    if model == "per_entry":
        out["amount"] = comp.amount = _money(rule.get("amount"), "amount")
    elif model == "per_hour":
        out["first_minutes"] = comp.first_minutes = _minutes(rule.get("first_minutes"), "first_minutes", 1)
        out["first_amount"] = comp.first_amount = _money(rule.get("first_amount"), "first_amount")
        out["unit_minutes"] = comp.unit_minutes = _minutes(rule.get("unit_minutes"), "unit_minutes", 1)
        out["unit_amount"] = comp.unit_amount = _money(rule.get("unit_amount"), "unit_amount")
        repeat = rule.get("repeat")
        if repeat is None:
            repeat = False
        if not isinstance(repeat, bool):
            raise ValueError("repeat: must be true or false")
        out["repeat"] = repeat
        comp.first = comp.first_minutes * 60
        comp.unit = comp.unit_minutes * 60
        comp.uses_history = not repeat
    elif model == "time_segment":
        out["segments"], comp.segments = _segments(rule.get("segments"))
        # the windows a part (< 24 h from a time of day D+begin) can overlap: previous day, day D, next day,
        # in start order (seconds from D 00:00)
        comp.windows = tuple(sorted(
            (seg_start + days * DAY, seg_end + days * DAY, amount, days, start_text, end_text)
            for days in (-1, 0, 1)
            for seg_start, seg_end, amount, start_text, end_text in comp.segments
            if seg_end + days * DAY > 0))
    else:
        out["tiers"], comp.tiers = _tiers(rule.get("tiers"))
        comp.tier_limits = [limit for limit, _amount, _minutes in comp.tiers]
    # pre-built labels and lines (immutable, shared by results)
    comp.free_line = (Label("free", minutes=comp.free_minutes), ZERO)
    comp.cap_label = Label("cap", amount=comp.cap) if comp.cap is not None else None
    comp.minimum_label = Label("minimum", amount=comp.minimum) if comp.minimum is not None else None
    if model == "per_entry":
        comp.per_entry_line = (Label("per_entry"), comp.amount)
    elif model == "per_hour":
        comp.first_line = (Label("first_block", minutes=comp.first_minutes), comp.first_amount)
        comp.unit_lines = {}
    elif model == "tiered":
        comp.tier_over_line = (Label("tier_over", minutes=comp.tiers[-1][2]), comp.tiers[-1][1])
        comp.tiers = tuple((Label("tier", minutes=minutes), amount) for _limit, amount, minutes in comp.tiers)
    result = Rule(out)
    result._compiled = comp
    return result


def _segments(segments):
    if not isinstance(segments, (list, tuple)) or not segments:
        raise ValueError("segments: required, a non-empty list")
    parsed = []
    for index, segment in enumerate(segments):
        field = "segments[%d]" % index
        if not isinstance(segment, dict):
            raise ValueError("%s: must be a dict with start, end, amount" % field)
        start = _clock(segment.get("start"), field + ".start")
        end = _clock(segment.get("end"), field + ".end", allow_24=True)
        amount = _money(segment.get("amount"), field + ".amount")
        length = (end - start) % 1440 or 1440
        parsed.append((start, length, amount))
    parsed.sort(key=lambda item: item[0])
    for index, (start, length, _amount) in enumerate(parsed):
        following = parsed[(index + 1) % len(parsed)][0] + (1440 if index == len(parsed) - 1 else 0)
        end = start + length
        if end > following:
            raise ValueError("segments: overlap at %s" % _hhmm(following % 1440))
        if end < following:
            raise ValueError("segments: gap from %s to %s" % (_hhmm(end % 1440), _hhmm(following % 1440)))
    normalised = [{"start": _hhmm(start), "end": _hhmm((start + length) % 1440), "amount": amount}
                  for start, length, amount in parsed]
    compiled = tuple((start * 60, (start + length) * 60, amount, _hhmm(start), _hhmm((start + length) % 1440))
                     for start, length, amount in parsed)
    return normalised, compiled


def _tiers(tiers):
    if not isinstance(tiers, (list, tuple)) or not tiers:
        raise ValueError("tiers: required, a non-empty list")
    normalised, compiled = [], []
    previous_minutes, previous_amount = 0, ZERO
    for index, tier in enumerate(tiers):
        field = "tiers[%d]" % index
        if not isinstance(tier, dict):
            raise ValueError("%s: must be a dict with up_to_minutes, amount" % field)
        minutes = _minutes(tier.get("up_to_minutes"), field + ".up_to_minutes", 1)
        amount = _money(tier.get("amount"), field + ".amount")
        if minutes > 1440:
            raise ValueError("%s.up_to_minutes: at most 1440 (one cycle)" % field)
        if minutes <= previous_minutes:
            raise ValueError("%s.up_to_minutes: tiers must be sorted, strictly ascending" % field)
        if amount < previous_amount:
            raise ValueError("%s.amount: must not be lower than the previous tier" % field)
        previous_minutes, previous_amount = minutes, amount
        normalised.append({"up_to_minutes": minutes, "amount": amount})
        compiled.append((minutes * 60, amount, minutes))
    return normalised, tuple(compiled)


# ---------------------------------------------------------------- pricing

def _seconds(delta):
    return delta.days * DAY + delta.seconds


_CACHE = {}  # shared labels (cycle headers, segment windows), bounded
_CACHE_SIZE = 20000


def _cycle_label(start):
    label = _CACHE.get(start)
    if label is None:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.clear()
        label = _CACHE[start] = Label("cycle", start=start.isoformat(" ", "minutes"))
    return label


def _segment_label(ordinal, start_text, end_text):
    key = (ordinal, start_text, end_text)
    label = _CACHE.get(key)
    if label is None:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.clear()
        label = _CACHE[key] = Label("segment", day=date.fromordinal(ordinal).isoformat(),
                                    start=start_text, end=end_text)
    return label


def _price_part(comp, start, seconds):
    """Raw fee and lines of one cycle's part of a stay: ``seconds`` (> 0) from ``start``."""
    model = comp.model
    if model == "per_hour":
        if seconds <= comp.first:
            return comp.first_amount, [comp.first_line]
        count = -((comp.first - seconds) // comp.unit)
        line = comp.unit_lines.get(count)
        if line is None:
            if len(comp.unit_lines) > 1000:
                comp.unit_lines.clear()
            line = comp.unit_lines[count] = (Label("units", count=count, minutes=comp.unit_minutes),
                                             comp.unit_amount * count)
        return comp.first_amount + line[1], [comp.first_line, line]
    if model == "tiered":
        index = bisect_left(comp.tier_limits, seconds)
        line = comp.tiers[index] if index < len(comp.tiers) else comp.tier_over_line
        return line[1], [line]
    if model == "per_entry":
        return comp.amount, [comp.per_entry_line]
    # time_segment: windows [day + start, day + end) for the days around the part
    begin = start.hour * 3600 + start.minute * 60 + start.second
    end = begin + seconds
    ordinal = start.toordinal()
    fee = ZERO
    lines = []
    for window_start, window_end, amount, days, start_text, end_text in comp.windows:
        if window_start >= end:
            break
        if window_end > begin:
            fee += amount
            lines.append((_segment_label(ordinal + days, start_text, end_text), amount))
    return fee, lines


def _settle(comp, fee, lines, paid=None):
    """Apply min_amount, the cap and (per_hour without repeat) what was paid earlier in the cycle."""
    minimum = comp.minimum
    if minimum is not None and fee < minimum:
        lines.append((comp.minimum_label, minimum - fee))
        fee = minimum
    cap = comp.cap
    if cap is not None:
        if fee > cap:
            lines.append((comp.cap_label, cap - fee))
            fee = cap
        if paid:
            allowed = max(cap - paid, ZERO)
            if fee > allowed:
                lines.append((Label("paid_earlier", amount=paid), allowed - fee))
                fee = allowed
    return fee


def _paid_in_cycle(history, cycle_start, entry):
    paid = ZERO
    for index, stay in enumerate(history):
        begin = stay[0]
        if cycle_start <= begin < entry:
            paid += _money(stay[2] or 0, "history[%d].amount_charged" % index)
    return paid


def compute_fee(rule, entry, exit, history=()):
    """Fee of a stay from ``entry`` to ``exit`` under ``rule``; see the module docstring."""
    comp = (rule if type(rule) is Rule else validate_rule(rule))._compiled
    if not isinstance(entry, datetime) or not isinstance(exit, datetime):
        raise ValueError("entry, exit: must be datetimes")
    if exit < entry:
        raise ValueError("exit: before entry")
    delta = exit - entry
    seconds = delta.days * DAY + delta.seconds
    if seconds <= comp.free:
        return FeeResult(ZERO, [comp.free_line])

    paid = None
    if comp.midnight:
        cycle_start = datetime.combine(entry.date(), _MIDNIGHT, entry.tzinfo)
    else:
        cycle_start = entry
        if comp.uses_history and history:
            for stay in history:
                begin = stay[0]
                if begin < cycle_start and entry - begin < _ONE_DAY:
                    cycle_start = begin
    if comp.uses_history and history:
        paid = _paid_in_cycle(history, cycle_start, entry)
    cycle_end = cycle_start + _ONE_DAY

    if exit <= cycle_end:
        fee, lines = _price_part(comp, entry, seconds)
        amount = _settle(comp, fee, lines, paid)
        return FeeResult(amount.quantize(_CENT), lines)

    # several cycles: the entry's cycle, full cycles, the last partial cycle
    first = _seconds(cycle_end - entry)
    full, last = divmod(seconds - first, DAY)
    lines = [(_cycle_label(cycle_start), ZERO)]
    fee, part_lines = _price_part(comp, entry, first)
    amount = _settle(comp, fee, part_lines, paid)
    lines += part_lines
    if full:
        fee, part_lines = _price_part(comp, cycle_end, DAY)
        each = _settle(comp, fee, part_lines)
        if full == 1:
            lines.append((_cycle_label(cycle_end), ZERO))
            lines += part_lines
        else:
            lines.append((Label("full_cycles", count=full, start=cycle_end.isoformat(" ", "minutes")), each * full))
        amount += each * full
    if last:
        start = cycle_end + timedelta(days=full)
        fee, part_lines = _price_part(comp, start, last)
        lines.append((_cycle_label(start), ZERO))
        amount += _settle(comp, fee, part_lines)
        lines += part_lines
    return FeeResult(amount.quantize(_CENT), lines)
