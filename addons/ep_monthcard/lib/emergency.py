"""Emergency opening of a gate by a month-card holder (seed 000 §2.3.5 紧急开闸).

The holder picks the plate, the lot and the gate in the app; the gate shows a short code on its
display; typing that code proves the holder stands at the gate, and the gate opens. The rules:

- only a card with emergency opening switched on, valid now (created or in use, inside its
  validity), at the gate's lot, may ask;
- the code is ``CODE_LENGTH`` digits, valid ``CODE_MINUTES`` minutes, ``MAX_ATTEMPTS`` tries;
- codes are compared in constant time.
"""
import hmac
import secrets
from datetime import timedelta

CODE_LENGTH = 4
CODE_MINUTES = 5
MAX_ATTEMPTS = 5

OK, WRONG, EXPIRED, LOCKED, USED = "ok", "wrong", "expired", "locked", "used"


def new_code(randbelow=secrets.randbelow):
    """A fresh display code: ``CODE_LENGTH`` digits, leading zeros kept."""
    return str(randbelow(10 ** CODE_LENGTH)).zfill(CODE_LENGTH)


def code_expiry(requested_at):
    return requested_at + timedelta(minutes=CODE_MINUTES)


def card_refusal(card_state, emergency_open, date_start, date_end, now):
    """Why a card may not open a gate in an emergency (a key), or None.

    ``card_state`` is the card's state; dates are naive datetimes in one time zone."""
    if not emergency_open:
        return "not_enabled"
    if card_state not in ("created", "in_use"):
        return "not_valid"
    if (date_start and now < date_start) or not date_end or now > date_end:
        return "out_of_validity"
    return None


def check_code(expected, given, expires_at, now, attempts, used=False):
    """The outcome of typing ``given`` against the gate's ``expected`` code.

    ``attempts`` counts the earlier wrong tries. Returns one of OK, WRONG, EXPIRED, LOCKED, USED;
    a WRONG try is the caller's to count."""
    if used:
        return USED
    if attempts >= MAX_ATTEMPTS:
        return LOCKED
    if now > expires_at:
        return EXPIRED
    given = "".join(str(given or "").split())
    if not hmac.compare_digest(str(expected).encode(), given.encode()):
        return WRONG
    return OK
