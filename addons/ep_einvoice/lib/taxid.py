"""Chinese taxpayer identification numbers (纳税人识别号) of invoice buyers and sellers.

Since 2015 a taxpayer's number is its 18-character Unified Social Credit Code
(统一社会信用代码, GB 32100-2015) whose last character is a check character.
Older registrations still in use have 15, 17 or 20 characters without a checksum.
"""
import re

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 symbols: no I, O, S, V, Z
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_RE = re.compile(r"^[%s]{18}$" % USCC_CHARSET)
LEGACY_RE = re.compile(r"^(?:[0-9A-Z]{15}|[0-9A-Z]{17}|[0-9A-Z]{20})$")


def normalize_tax_id(value):
    return re.sub(r"[\s\-]", "", str(value or "")).upper()


def uscc_check_char(first17):
    """The check character of the 17 leading characters of a credit code."""
    total = sum(USCC_CHARSET.index(char) * weight for char, weight in zip(first17, USCC_WEIGHTS, strict=False))
    return USCC_CHARSET[(31 - total % 31) % 31]


def is_valid_uscc(code):
    code = normalize_tax_id(code)
    return bool(USCC_RE.match(code)) and uscc_check_char(code[:17]) == code[17]


def is_valid_tax_id(value):
    """A buyer/seller tax number: a valid credit code, or a legacy 15/17/20-character number."""
    code = normalize_tax_id(value)
    if len(code) == 18:
        return is_valid_uscc(code)
    return bool(LEGACY_RE.match(code))
