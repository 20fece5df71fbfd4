"""What a tax-invoice platform checks before it issues a fully digital invoice (全电发票), and the
invoice numbers it gives.

``check_request(request)`` validates an issue request and raises ``RequestError(field, message)``
on the first problem. A request is a dict:

- ``serial``: the 20-character request serial (see ``amounts.invoice_serial``);
- ``type``: ``"02"`` general (普票) or ``"01"`` special (专票);
- ``red``: True for a red-letter invoice, which needs ``original`` (the blue invoice's number);
- ``seller`` and ``buyer``: dicts ``name``, ``tax_number``, ``address``, ``phone``, ``bank``,
  ``bank_account``; the buyer also ``personal`` (a person: no tax number) and ``email``;
- ``lines``: dicts ``name``, ``category`` (19-digit code), ``rate``, ``gross``, ``net``, ``tax``;
- ``totals``: dict ``gross``, ``net``, ``tax``.

A special invoice goes to a company only, with its address, phone, bank and account (增值税专用发票
须载明购买方全部信息). ``invoice_number(issued_on, region, sequence)`` is the 20-digit number: two
digits of the year, two of the province, one channel digit and a 15-digit sequence.
"""
import re
from decimal import Decimal

from .amounts import round_half_up, split_tax, to_decimal
from .taxid import is_valid_tax_id

SERIAL_RE = re.compile(r"^[0-9A-Z]{20}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CATEGORY_RE = re.compile(r"^\d{19}$")
INVOICE_TYPES = ("01", "02")
ZERO = Decimal("0.00")


class RequestError(ValueError):
    def __init__(self, field, message):
        super().__init__("%s: %s" % (field, message))
        self.field = field
        self.message = message


def _text(party, key):
    return str(party.get(key) or "").strip()


def _check_party(party, role, special):
    if not _text(party, "name"):
        raise RequestError(role + ".name", "the %s's name (title) is required" % role)
    number = _text(party, "tax_number")
    if role == "buyer" and party.get("personal"):
        if number:
            raise RequestError("buyer.tax_number", "a person has no tax number")
        if special:
            raise RequestError("type", "a special invoice is issued to a company only")
    elif not number:
        raise RequestError(role + ".tax_number", "the %s's tax number is required" % role)
    elif not is_valid_tax_id(number):
        raise RequestError(role + ".tax_number", "%s is not a valid tax number" % number)
    if special and role == "buyer":
        for key in ("address", "phone", "bank", "bank_account"):
            if not _text(party, key):
                raise RequestError("buyer." + key, "a special invoice needs the buyer's %s" % key.replace("_", " "))
    email = _text(party, "email")
    if email and not EMAIL_RE.match(email):
        raise RequestError(role + ".email", "%s is not an email address" % email)


def _check_lines(lines, red):
    if not lines:
        raise RequestError("lines", "an invoice has at least one line")
    sums = {"gross": ZERO, "net": ZERO, "tax": ZERO}
    for index, line in enumerate(lines):
        where = "lines[%d]" % index
        if not _text(line, "name"):
            raise RequestError(where + ".name", "a line needs its name")
        if not CATEGORY_RE.match(_text(line, "category")):
            raise RequestError(where + ".category", "a line needs its 19-digit tax category code")
        try:
            gross, net, tax = (round_half_up(line[key]) for key in ("gross", "net", "tax"))
            rate = to_decimal(line["rate"], "rate")
            expected = split_tax(abs(gross), rate)
        except (KeyError, ValueError) as exc:
            raise RequestError(where, "bad amounts: %s" % exc) from exc
        if (gross < 0) != red or gross == 0:
            raise RequestError(where + ".gross", "a red-letter invoice has negative lines, a blue one positive"
                               if gross else "a line's amount is not zero")
        sign = -1 if red else 1
        if (net, tax) != (sign * expected[0], sign * expected[1]):
            raise RequestError(where + ".tax", "%s at %s%% is %s tax, not %s" % (gross, rate, sign * expected[1], tax))
        for key, value in (("gross", gross), ("net", net), ("tax", tax)):
            sums[key] += value
    return sums


def check_request(request):
    """Raise ``RequestError`` unless ``request`` may be issued; returns the checked totals."""
    if not SERIAL_RE.match(str(request.get("serial") or "")):
        raise RequestError("serial", "the request serial has 20 digits or capitals")
    if request.get("type") not in INVOICE_TYPES:
        raise RequestError("type", "the invoice type is 01 (special) or 02 (general)")
    special, red = request["type"] == "01", bool(request.get("red"))
    if red and not _text(request, "original"):
        raise RequestError("original", "a red-letter invoice names the blue invoice it cancels")
    _check_party(request.get("seller") or {}, "seller", special)
    _check_party(request.get("buyer") or {}, "buyer", special)
    sums = _check_lines(request.get("lines") or [], red)
    stated = request.get("totals") or {}
    for key, value in sums.items():
        try:
            given = round_half_up(stated.get(key, ""))
        except ValueError as exc:
            raise RequestError("totals." + key, "missing or not a number") from exc
        if given != value:
            raise RequestError("totals." + key, "the lines add up to %s, not %s" % (value, given))
    return sums


def invoice_number(issued_on, region, sequence, channel=1):
    """The 20-digit number of a fully digital invoice issued on ``issued_on`` (a date)."""
    region = str(region)
    if not re.match(r"^\d{2}$", region):
        raise ValueError("the province code has two digits, got %r" % region)
    if not 0 < int(sequence) < 10 ** 15:
        raise ValueError("the sequence is from 1 to 15 digits, got %r" % sequence)
    return "%02d%s%d%015d" % (issued_on.year % 100, region, int(channel) % 10, int(sequence))
