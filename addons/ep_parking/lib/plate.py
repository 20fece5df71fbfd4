"""Chinese licence plates as the parking systems see them.

Plates are stored normalised: upper case, half-width, no separators ("粤B·12345",
"粤 b12345" and "粤Ｂ１２３４５" are all "粤B12345"). Cars without a plate get a
pseudo plate "EP" + the last five digits of the owner's phone (seed 000 §2.2.4).
"""
import re
import unicodedata

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_LETTER = "A-HJ-NP-Z"  # I and O are never used on plates
_SUFFIX = "挂学警港澳使领"
# Regular plates: province, authority letter, 5 characters (last may be a special
# suffix); new-energy plates: 6 characters after the authority letter.
PLATE_RE = re.compile(
    r"^[{p}][{l}](?:[{l}0-9]{{4}}[{l}0-9{s}]|[{l}0-9]{{6}})$".format(p=PROVINCES, l=_LETTER, s=_SUFFIX)
)
UNPLATED_RE = re.compile(r"^EP[0-9]{5}$")
_SEPARATORS = re.compile(r"[\s·•.\-_]")


def normalize_plate(text):
    """The stored form of a typed or recognised plate; '' for nothing."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text))  # full-width letters and digits
    return _SEPARATORS.sub("", text).upper()


def is_unplated(plate):
    return bool(UNPLATED_RE.match(normalize_plate(plate)))


def is_valid_plate(plate, allow_unplated=True):
    plate = normalize_plate(plate)
    return bool(PLATE_RE.match(plate)) or (allow_unplated and is_unplated(plate))


def unplated_plate(phone):
    """The pseudo plate of an unplated car: "EP" + last 5 digits of the phone."""
    digits = re.sub(r"\D", "", str(phone or ""))
    if len(digits) < 5:
        raise ValueError("a phone number with at least 5 digits is needed, got %r" % (phone,))
    return "EP" + digits[-5:]


def join_plate(province, rest):
    """The plate of a form with a province picker: the picked province plus the typed rest.

    A plate typed whole (its own province first) or an unplated pseudo plate is taken as typed;
    a picked value that is not a province is ignored."""
    rest = normalize_plate(rest)
    if not rest or rest[:1] in PROVINCES or is_unplated(rest):
        return rest
    province = str(province or "").strip()[:1]
    return (province if province in PROVINCES else "") + rest
