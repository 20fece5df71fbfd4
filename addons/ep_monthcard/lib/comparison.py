"""厂家上报月卡 / 月卡比对 / 查看本地 (seed 000 §2.1.3, §2.3.5): what the lot's vendor holds
against the platform's valid cards. Pure: no odoo import.

Both sides are lists of card dicts ``{"card_id", "plate", "plates", "start", "end", "rule_id"}``:
``plate`` the main plate, ``plates`` every plate (main first), ``start``/``end`` datetimes or
``YYYY-MM-DD HH:MM:SS`` strings (UTC, as the platform pushes them; ``T`` and ``Z`` are taken too),
``rule_id`` the platform rule id (``None``: the vendor did not say). Cards are matched by main plate.
"""
from datetime import datetime, timedelta

MISSING = "missing"    # a valid platform card the vendor does not hold
EXTRA = "extra"        # a card only the vendor holds
VALIDITY = "validity"  # both hold it, start or end differ
RULE = "rule"          # both hold it, the rule differs
PLATES = "plates"      # both hold it, the sub plates differ
MATCH = "match"        # both hold it alike
KINDS = (MISSING, EXTRA, VALIDITY, RULE, PLATES)
DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")


class ComparisonError(ValueError):
    """The vendor's report cannot be read."""


def normalize_plate(plate):
    return "".join(str(plate or "").split()).replace("·", "").replace("-", "").upper()


def parse_moment(value):
    """A datetime from ``value`` (datetime or string), seconds precision; ``None`` stays ``None``."""
    if value is None or value == "" or value is False:
        return None
    if isinstance(value, datetime):
        return value.replace(microsecond=0, tzinfo=None)
    if not isinstance(value, str):
        raise ComparisonError("not a date and time: %r" % (value,))
    text = value.strip().rstrip("Z").split(".")[0]
    for pattern in DATETIME_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    raise ComparisonError("not a date and time: %r" % (value,))


def _rule(value):
    return None if value is None or value == "" or value is False else str(value)


def normalize_card(card):
    """One card dict with normalized plates, datetimes and rule id (as text)."""
    if not isinstance(card, dict):
        raise ComparisonError("a card must be an object, got %r" % (card,))
    plate = normalize_plate(card.get("plate"))
    if not plate:
        raise ComparisonError("a card without a plate: %r" % (card,))
    plates = card.get("plates") or []
    if not isinstance(plates, (list, tuple)):
        raise ComparisonError("plates must be a list: %r" % (card,))
    others = []
    for other in plates:
        other = normalize_plate(other)
        if other and other != plate and other not in others:
            others.append(other)
    return {"card_id": card.get("card_id") or None, "plate": plate, "plates": [plate] + others,
            "start": parse_moment(card.get("start")), "end": parse_moment(card.get("end")),
            "rule_id": _rule(card.get("rule_id")), "enabled": card.get("enabled", True) is not False}


def parse_vendor_report(data):
    """The cards of the vendor's ``monthcard_list`` ack data ``{"cards": [...]}`` (normalized)."""
    if not isinstance(data, dict) or not isinstance(data.get("cards"), list):
        raise ComparisonError('the report must be an object with a "cards" list')
    return [normalize_card(card) for card in data["cards"]]


def _difference(kind, platform=None, vendor=None):
    card = platform or vendor
    return {"kind": kind, "plate": card["plate"], "platform": platform, "vendor": vendor}


def compare(platform_cards, vendor_cards, now, tolerance=timedelta(0)):
    """The differences between the platform's valid cards and the vendor's report.

    Returns ``(differences, matches, ignored)``: one difference per card and kind
    (``{"kind", "plate", "platform", "vendor"}``, platform/vendor the normalized cards or ``None``),
    in platform order then vendor order; ``matches`` the same shape with kind ``match``;
    ``ignored`` the vendor cards that let nobody in (disabled, or ended before ``now``) and hold
    no platform card's plate. A second vendor card with a plate already reported is only at
    the vendor (deleting it deletes the plate there: push the platform card after). Start and
    end differ beyond ``tolerance``; the rule differs only when the vendor reports one."""
    now = parse_moment(now)
    platform = [normalize_card(card) for card in platform_cards]
    vendor = [normalize_card(card) for card in vendor_cards]
    by_plate = {}
    differences, matches, ignored, extra = [], [], [], []
    for card in vendor:
        if card["plate"] in by_plate:
            extra.append(card)
        else:
            by_plate[card["plate"]] = card
    platform_plates = {card["plate"] for card in platform}
    for card in platform:
        held = by_plate.get(card["plate"])
        if held is None or not held["enabled"]:
            differences.append(_difference(MISSING, platform=card, vendor=held))
            continue
        kinds = []
        if not _same_moment(card["start"], held["start"], tolerance) or \
                not _same_moment(card["end"], held["end"], tolerance):
            kinds.append(VALIDITY)
        if held["rule_id"] is not None and held["rule_id"] != card["rule_id"]:
            kinds.append(RULE)
        if set(held["plates"]) != set(card["plates"]):
            kinds.append(PLATES)
        for kind in kinds:
            differences.append(_difference(kind, platform=card, vendor=held))
        if not kinds:
            matches.append(_difference(MATCH, platform=card, vendor=held))
    for card in [card for card in vendor if card["plate"] not in platform_plates
                 and by_plate[card["plate"]] is card] + extra:
        lets_in = card["enabled"] and (card["end"] is None or now is None or card["end"] >= now)
        if not lets_in and card["plate"] not in platform_plates:
            ignored.append(card)
            continue
        differences.append(_difference(EXTRA, vendor=card))
    return differences, matches, ignored


def _same_moment(left, right, tolerance):
    if left is None or right is None:
        return left is right
    return abs(left - right) <= tolerance
