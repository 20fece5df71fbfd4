"""Time-of-use charging tariffs (充电费, seed 004 §2.1): the day cut into segments, each of a rate
type (尖 sharp, 峰 peak, 平 flat, 谷 valley) with an electricity and a service price per kWh.

The editor's rules, as 004 §2.1 states them:

1. the segments close the day: 00:00 to 24:00, no gap, no overlap (starts strictly increase);
2. the first segment starts at 00:00;
3. the last segment runs to 24:00 (its end is completed automatically);
4. segments of the same rate type have the same electricity and service prices.

``charge_cost`` prices a charging session from its meter readings: the energy between two
readings is spread evenly over that interval and each part priced by the segment it falls in,
across midnight and over several days. Electricity and service are rounded half-up to 0.01 once,
at the end.
"""
from collections import OrderedDict, namedtuple
from datetime import datetime, timedelta
from decimal import Decimal

from .money import CENT, round_half_up, to_decimal

TYPES = ("sharp", "peak", "flat", "valley")
DAY_MINUTES = 24 * 60
KWH = Decimal("0.001")

Cost = namedtuple("Cost", "electricity service total lines")


def _minutes(text, what):
    """``"HH:MM"`` as minutes after midnight (``"24:00"`` allowed only where ``what`` says so)."""
    try:
        hours, minutes = str(text).split(":")
        if len(minutes) != 2 or not hours.isdigit() or not minutes.isdigit():
            raise ValueError
        value = int(hours) * 60 + int(minutes)
    except ValueError:
        raise ValueError("%s %r is not a time HH:MM" % (what, text)) from None
    if int(minutes) >= 60 or value > DAY_MINUTES:
        raise ValueError("%s %r is not a time of the day" % (what, text))
    return value


def _text(minutes):
    return "%02d:%02d" % divmod(minutes, 60)


def validate_tou(segments):
    """The segments checked and normalised (prices as Decimal, ``end`` filled); ValueError naming
    the rule broken otherwise."""
    if not segments:
        raise ValueError("rule 1: a tariff needs at least one segment covering 00:00-24:00")
    normalised = []
    for index, segment in enumerate(segments, start=1):
        kind = segment.get("type")
        if kind not in TYPES:
            raise ValueError("segment %d: the rate type must be one of %s, not %r" % (index, ", ".join(TYPES), kind))
        start = _minutes(segment.get("start"), "segment %d start" % index)
        prices = {}
        for key in ("electricity", "service"):
            if segment.get(key) is None:
                raise ValueError("segment %d: the %s price is missing" % (index, key))
            prices[key] = to_decimal(segment[key], "segment %d %s price" % (index, key))
            if prices[key] < 0:
                raise ValueError("segment %d: the %s price must not be negative" % (index, key))
        normalised.append({"type": kind, "start": start, **prices})
    if normalised[0]["start"] != 0:
        raise ValueError("rule 2: the first segment must start at 00:00, not %s" % _text(normalised[0]["start"]))
    for previous, current in zip(normalised, normalised[1:], strict=False):
        if current["start"] <= previous["start"]:
            raise ValueError("rule 1: segment starts must strictly increase (%s after %s): the day must be "
                             "closed from 00:00 to 24:00 without overlap" % (_text(current["start"]),
                                                                              _text(previous["start"])))
    if normalised[-1]["start"] >= DAY_MINUTES:
        raise ValueError("rule 3: the last segment must start before 24:00 to run to 24:00")
    seen = {}
    for segment in normalised:
        prices = (segment["electricity"], segment["service"])
        if seen.setdefault(segment["type"], prices) != prices:
            raise ValueError("rule 4: every %s segment must have the same electricity and service prices"
                             % segment["type"])
    result = []
    for index, segment in enumerate(normalised):
        end = normalised[index + 1]["start"] if index + 1 < len(normalised) else DAY_MINUTES
        result.append({"type": segment["type"], "start": _text(segment["start"]), "end": _text(end),
                       "electricity": segment["electricity"], "service": segment["service"]})
    return result


def _boundaries(segments):
    """``[(start minute, end minute, segment)]`` of a validated day."""
    return [(_minutes(s["start"], "start"), _minutes(s["end"], "end"), s) for s in segments]


def _segment_at(day, moment):
    minute = moment.hour * 60 + moment.minute
    for start, end, segment in day:
        if start <= minute < end:
            return segment
    return day[-1][2]


def _spread(day, start, end):
    """``[(segment, seconds)]`` of the interval ``start``-``end`` cut at the segment boundaries."""
    parts = []
    cursor = start
    while cursor < end:
        midnight = datetime(cursor.year, cursor.month, cursor.day)
        for seg_start, seg_end, segment in day:
            part_start = max(cursor, midnight + timedelta(minutes=seg_start))
            part_end = min(end, midnight + timedelta(minutes=seg_end))
            if part_end > part_start:
                parts.append((segment, Decimal((part_end - part_start) // timedelta(microseconds=1))))
        cursor = midnight + timedelta(days=1)
    return parts


def charge_cost(segments, readings):
    """Cost(electricity, service, total, lines) of a session; ``lines`` are ``(type, kwh,
    electricity, service)`` per rate type used, in the tariff's order."""
    day = _boundaries(validate_tou(segments))
    if len(readings) < 2:
        raise ValueError("a session needs at least its start and end meter readings")
    points = []
    for moment, kwh in readings:
        if not isinstance(moment, datetime):
            raise ValueError("meter reading times must be datetimes, got %r" % (moment,))
        points.append((moment, to_decimal(kwh, "meter reading")))
    energy = OrderedDict((s["type"], Decimal(0)) for _start, _end, s in day)
    money = {kind: [Decimal(0), Decimal(0)] for kind in energy}

    def add(segment, kwh):
        energy[segment["type"]] += kwh
        money[segment["type"]][0] += kwh * segment["electricity"]
        money[segment["type"]][1] += kwh * segment["service"]

    for (t0, e0), (t1, e1) in zip(points, points[1:], strict=False):
        if t1 < t0:
            raise ValueError("meter readings must be in time order (%s after %s)" % (t1, t0))
        if e1 < e0:
            raise ValueError("the meter cannot go backwards (%s kWh after %s kWh)" % (e1, e0))
        kwh = e1 - e0
        if not kwh:
            continue
        if t1 == t0:  # two readings at the same instant: the energy belongs to that moment's segment
            add(_segment_at(day, t0), kwh)
            continue
        parts = _spread(day, t0, t1)
        total = sum(seconds for _segment, seconds in parts)
        for segment, seconds in parts:
            add(segment, kwh * seconds / total)
    electricity = round_half_up(sum(m[0] for m in money.values()))
    service = round_half_up(sum(m[1] for m in money.values()))
    lines = [(kind, energy[kind].quantize(KWH), round_half_up(money[kind][0]), round_half_up(money[kind][1]))
             for kind in energy if energy[kind]]
    return Cost(electricity, service, (electricity + service).quantize(CENT), lines)
