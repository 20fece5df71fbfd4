"""Month-card import and export sheets (seed 000 §2.3.3 月卡导入, §2.1.3 月卡导出). Pure stdlib, no odoo import.

    check_sheet(rows, lot_name) -> (columns, issues)     整表检测: title, headers, row count
    read_records(rows, columns) -> [(row_number, {key: text})]
    check_records(records, rules, taken=()) -> (cards, issues)   行检测
    export_rows(lot_name, cards) -> rows                  月卡导出, in exactly the import format
    format_validity(start, end) -> "2018/05/01-2018/05/31"

The sheet
---------
Row 1 is the title, the lot's name as the platform spells it (the first non-empty cell; spaces
around it are ignored). Row 2 holds the column headers of :data:`COLUMNS`, in any order: the nine
first are required, 车位号 (space) and 房号 (room) may be left out. Rows 3 and below are cards, one
a row; blank rows are skipped; at most :data:`MAX_ROWS` (2000, "每次导入，限量2000行").

Rows
----
========  ==========================================================================================
客户       the holder's name; optional
手机       required: 11 digits, ``1`` then 10 digits (``+86``/``0086``, spaces and dashes are dropped)
车牌       required: the main plate (ep_parking's plate rules; stored normalised)
副卡车牌   the sub plates, separated by "," (a full-width "，" is accepted too); they need a type
规则       required: the name of an active rule of the lot
金额       required: the card's fee per period: **the rule's price × 车位数** (per month, or per year
           for a year rule — the card's ``monthly_fee``); it must match to the cent
有效期     required: ``2018/5/1-2018/5/31`` or ``2018/05/01-2018/05/31``; the end may not be before the
           start. The card is valid from the first day's 00:00:00 to the last day's 23:59:59 (lot time)
类型       ``一卡多车`` (multi_car) or ``子母车`` (child_mother); empty for a normal card (multi_car, no
           sub plates)
车位数     whole number from 1 to :data:`MAX_SPACES`; empty means 1
========  ==========================================================================================

A plate (main or sub) appears once in the file, and not on a valid card of the lot already
(``taken``). No cell holds a control character (NUL and the like; tabs and line breaks are fine)
or more than :data:`MAX_CELL_CHARS` characters. A cell's text quoted in a message is shown with its
control characters replaced and cut to :data:`SHOWN_CHARS` characters: the messages are stored.

Every issue is an :class:`Issue` ``(row, column, label)``: the sheet's row number as Excel shows it
(0 for the file as a whole), the column header ('' when none) and a :class:`Label` (English text,
plus ``key`` and ``params`` so the caller can translate it). Cell values are what xlrd returns:
text, or floats for numbers (``13800138000.0``, ``3.0``); money is read as ``Decimal``.
"""
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import NamedTuple

from . import sibling

_plate = sibling("ep_parking", "plate")
_verification = sibling("ep_parking", "verification")

MAX_ROWS = 2000
MAX_CELL_CHARS = 200
MAX_SPACES = 9999
SHOWN_CHARS = 60
TITLE_ROW = 1
HEADER_ROW = 2
FIRST_DATA_ROW = 3
# (key, header) in template order.
COLUMNS = (
    ("customer", "客户"),
    ("phone", "手机"),
    ("plate", "车牌"),
    ("sub_plates", "副卡车牌"),
    ("rule", "规则"),
    ("amount", "金额"),
    ("validity", "有效期"),
    ("kind", "类型"),
    ("spaces", "车位数"),
    ("space_name", "车位号"),
    ("room", "房号"),
)
HEADERS = tuple(header for _key, header in COLUMNS)
HEADER_OF = dict(COLUMNS)
OPTIONAL = frozenset(("space_name", "room"))
KINDS = {"一卡多车": "multi_car", "子母车": "child_mother"}
KIND_LABELS = {value: label for label, value in KINDS.items()}
NORMAL_KIND = "multi_car"

LABELS = {
    "title": "The title must be the lot's name %(lot)s, not %(title)s.",
    "header_missing": "The column %(column)s is missing.",
    "header_unknown": "Unknown column %(column)s.",
    "header_duplicate": "The column %(column)s appears twice.",
    "no_rows": "The sheet has no card rows.",
    "too_many_rows": "%(count)d rows: at most %(max)d rows per import.",
    "required": "Required.",
    "phone": "%(value)s is not an 11-digit mobile number.",
    "plate": "%(value)s is not a valid licence plate.",
    "validity": "%(value)s is not a validity like 2018/5/1-2018/5/31.",
    "validity_order": "The validity %(value)s ends before it starts.",
    "kind": "%(value)s is not a type: 一卡多车, 子母车 or empty.",
    "kind_needed": "Sub plates need a type (一卡多车 or 子母车).",
    "spaces": "%(value)s is not a whole number of spaces of at least 1.",
    "spaces_max": "%(value)s spaces: at most %(max)d.",
    "control": "A control character (such as NUL) is not allowed in a cell.",
    "too_long": "Longer than %(max)d characters.",
    "rule": "The lot has no active rule %(value)s.",
    "amount_format": "%(value)s is not an amount.",
    "amount": "The amount %(value)s does not match the rule: %(expected)s (price × spaces).",
    "duplicate_plate": "%(plate)s is already on row %(other)d.",
    "plate_taken": "%(plate)s already holds a valid month card of the lot.",
}
Label = sibling("ep_parking", "labels").label_class(LABELS, __name__)

_CENT = Decimal("0.01")
_DATE = r"(\d{4})/(\d{1,2})/(\d{1,2})"
_VALIDITY_RE = re.compile(r"^%s\s*-\s*%s$" % (_DATE, _DATE))
_PHONE_RE = re.compile(r"^1[0-9]{10}$")
_INT_RE = re.compile(r"^[0-9]+$")
_SUB_SEPARATORS = re.compile(r"[,，]")
# C0 and C1 controls but tab, line feed and carriage return; lone surrogates (the database takes neither)
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


class Issue(NamedTuple):
    row: int  # the sheet's row number (1-based, as Excel shows it); 0: the file as a whole
    column: str  # the column's header; '' when the issue is not about one column
    label: Label


class Card(NamedTuple):
    """One checked row: what the card is created with."""

    row: int
    customer: str
    phone: str
    plate: str
    sub_plates: tuple
    rule: str
    amount: Decimal
    date_start: date
    date_end: date
    kind: str  # multi_car or child_mother
    spaces: int
    space_name: str
    room: str


# ---------------------------------------------------------------- cells

def cell_text(value):
    """A cell as text: '' for empty, whole floats without ``.0`` (xlrd reads numbers as floats)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return str(value)
    return str(value).strip()


def parse_amount(text):
    """An amount cell as a ``Decimal`` rounded half-up to 2 places; ``None`` if it is not one."""
    try:
        amount = Decimal(str(text).replace(",", "").strip())
        if not amount.is_finite() or amount < 0:
            return None
        return amount.quantize(_CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:  # not a number, or too many digits to be rounded to the cent
        return None


def parse_validity(text):
    """``2018/5/1-2018/5/31`` as ``(date(2018, 5, 1), date(2018, 5, 31))``; ``None`` if malformed or
    not a date. Raises nothing; the order of the two dates is the caller's check."""
    match = _VALIDITY_RE.match(str(text).strip())
    if not match:
        return None
    parts = [int(part) for part in match.groups()]
    try:
        return date(*parts[:3]), date(*parts[3:])
    except ValueError:
        return None


def format_validity(start, end):
    """The validity as the template writes it: ``2018/05/01-2018/05/31``."""
    return "%s-%s" % (start.strftime("%Y/%m/%d"), end.strftime("%Y/%m/%d"))


def shown(text):
    """A cell's text as a message quotes it: control characters replaced, cut to SHOWN_CHARS."""
    text = _CONTROL_RE.sub("\ufffd", str(text))
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"


def is_mobile(phone):
    return bool(_PHONE_RE.match(phone))


def _is_blank(row):
    return all(cell_text(value) == "" for value in row)


# ---------------------------------------------------------------- 整表检测

def check_sheet(rows, lot_name):
    """The sheet as a whole: its title, headers and number of card rows.

    ``rows`` are the sheet's rows (lists of cell values) from the first. Returns ``(columns,
    issues)``: ``columns`` maps each column key found to its cell index."""
    rows = list(rows)
    issues = []
    title_row = rows[TITLE_ROW - 1] if len(rows) >= TITLE_ROW else []
    title = next((cell_text(value) for value in title_row if cell_text(value)), "")
    if title != (lot_name or "").strip():
        issues.append(Issue(TITLE_ROW, "", Label("title", lot=lot_name, title=shown(title) or "-")))
    columns = {}
    keys = {header: key for key, header in COLUMNS}
    header_row = rows[HEADER_ROW - 1] if len(rows) >= HEADER_ROW else []
    for index, value in enumerate(header_row):
        header = cell_text(value)
        if not header:
            continue
        key = keys.get(header)
        if key is None:
            issues.append(Issue(HEADER_ROW, shown(header), Label("header_unknown", column=shown(header))))
        elif key in columns:
            issues.append(Issue(HEADER_ROW, header, Label("header_duplicate", column=header)))
        else:
            columns[key] = index
    for key, header in COLUMNS:
        if key not in columns and key not in OPTIONAL:
            issues.append(Issue(HEADER_ROW, header, Label("header_missing", column=header)))
    count = sum(1 for row in rows[FIRST_DATA_ROW - 1:] if not _is_blank(row))
    if not count:
        issues.append(Issue(0, "", Label("no_rows")))
    elif count > MAX_ROWS:
        issues.append(Issue(0, "", Label("too_many_rows", count=count, max=MAX_ROWS)))
    return columns, issues


def read_records(rows, columns):
    """The card rows as ``(row_number, {key: text})``, blank rows skipped."""
    records = []
    for offset, row in enumerate(list(rows)[FIRST_DATA_ROW - 1:]):
        if _is_blank(row):
            continue
        record = {key: cell_text(row[index]) if index < len(row) else "" for key, index in columns.items()}
        for key, _header in COLUMNS:
            record.setdefault(key, "")
        records.append((FIRST_DATA_ROW + offset, record))
    return records


# ---------------------------------------------------------------- 行检测

def check_records(records, rules, taken=frozenset()):
    """Check every row; returns ``(cards, issues)``, ``cards`` being the rows without issue.

    ``rules`` maps the lot's active rule names to their price (``Decimal``: per month, or per year
    for year rules); ``taken`` holds the (normalised) plates already on a valid card of the lot."""
    cards, issues = [], []
    seen = {}  # plate -> first row holding it
    for row, record in records:
        row_issues = []

        def issue(key, label_key, **params):
            row_issues.append(Issue(row, HEADER_OF[key], Label(label_key, **params)))  # noqa: B023

        for key, text in record.items():
            if _CONTROL_RE.search(text):
                issue(key, "control")
            elif len(text) > MAX_CELL_CHARS:
                issue(key, "too_long", max=MAX_CELL_CHARS)

        phone = _verification.normalize_phone(record["phone"])
        if not phone:
            issue("phone", "required")
        elif not is_mobile(phone):
            issue("phone", "phone", value=shown(record["phone"]))

        plates = []
        plate = _plate.normalize_plate(record["plate"])
        if not plate:
            issue("plate", "required")
        elif not _plate.is_valid_plate(plate):
            issue("plate", "plate", value=shown(record["plate"]))
        else:
            plates.append(("plate", plate))
        subs = []
        for text in _SUB_SEPARATORS.split(record["sub_plates"]):
            sub = _plate.normalize_plate(text)
            if not sub:
                continue
            if not _plate.is_valid_plate(sub):
                issue("sub_plates", "plate", value=shown(text.strip()))
            else:
                subs.append(sub)
                plates.append(("sub_plates", sub))
        for key, value in plates:
            if value in seen:
                issue(key, "duplicate_plate", plate=value, other=seen[value])
            elif value in taken:
                issue(key, "plate_taken", plate=value)
            seen.setdefault(value, row)

        kind_text = record["kind"]
        kind = KINDS.get(kind_text) if kind_text else NORMAL_KIND
        if kind is None:
            issue("kind", "kind", value=shown(kind_text))
        elif subs and not kind_text:
            issue("kind", "kind_needed")

        spaces = 1
        if record["spaces"]:
            spaces = None
            # no int() of a long text: Python refuses more than 4300 digits
            digits = record["spaces"].lstrip("0") if _INT_RE.match(record["spaces"]) else ""
            if not digits:  # not a whole number, or 0
                issue("spaces", "spaces", value=shown(record["spaces"]))
            elif len(digits) > len(str(MAX_SPACES)) or int(digits) > MAX_SPACES:
                issue("spaces", "spaces_max", value=shown(record["spaces"]), max=MAX_SPACES)
            else:
                spaces = int(digits)

        validity = None
        if not record["validity"]:
            issue("validity", "required")
        else:
            validity = parse_validity(record["validity"])
            if validity is None:
                issue("validity", "validity", value=shown(record["validity"]))
            elif validity[1] < validity[0]:
                issue("validity", "validity_order", value=shown(record["validity"]))

        price = rules.get(record["rule"]) if record["rule"] else None
        if not record["rule"]:
            issue("rule", "required")
        elif price is None:
            issue("rule", "rule", value=shown(record["rule"]))
        amount = None
        if not record["amount"]:
            issue("amount", "required")
        else:
            amount = parse_amount(record["amount"])
            if amount is None:
                issue("amount", "amount_format", value=shown(record["amount"]))
            elif price is not None and spaces is not None:
                expected = (Decimal(price) * spaces).quantize(_CENT, rounding=ROUND_HALF_UP)
                if amount != expected:
                    issue("amount", "amount", value=shown(record["amount"]), expected=str(expected))

        if row_issues:
            issues.extend(row_issues)
            continue
        cards.append(Card(row, record["customer"], phone, plate, tuple(subs), record["rule"], amount,
                          validity[0], validity[1], kind, spaces, record["space_name"], record["room"]))
    return cards, issues


def check_all(rows, lot_name, rules, taken=frozenset()):
    """整表检测 then 行检测: ``(cards, issues)``; no card when the sheet itself is wrong."""
    columns, issues = check_sheet(rows, lot_name)
    if issues:
        return [], issues
    return check_records(read_records(rows, columns), rules, taken)


# ---------------------------------------------------------------- 月卡导出

def template_rows(lot_name):
    """The template's first two rows: the title and the headers."""
    return [[lot_name], list(HEADERS)]


def export_row(card):
    """A :class:`Card` (or any object with its fields) as a sheet row, in :data:`COLUMNS` order."""
    kind = "" if card.kind == NORMAL_KIND and not card.sub_plates else KIND_LABELS[card.kind]
    return [card.customer or "", card.phone or "", card.plate, ",".join(card.sub_plates), card.rule,
            Decimal(card.amount).quantize(_CENT), format_validity(card.date_start, card.date_end), kind,
            card.spaces, card.space_name or "", card.room or ""]


def export_rows(lot_name, cards):
    """The whole sheet of ``cards``: it imports back into the same lot (or one with the same rules)."""
    return template_rows(lot_name) + [export_row(card) for card in cards]
