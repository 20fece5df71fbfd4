"""Phone verification by SMS code (seed 000 §2.2.4: an unplated car is let in after its
driver verified a phone number).

Pure rules only: the phone and code formats, how codes are made and hashed, and the
decisions on expiry, wrong attempts and resend throttling. The Odoo model stores the
state and compares hashes with ``odoo.tools.consteq``.
"""
import hashlib
import hmac
import re
import secrets
from datetime import timedelta

CODE_LENGTH = 6
CODE_TTL = timedelta(minutes=5)
MAX_ATTEMPTS = 5
RESEND_INTERVAL = timedelta(seconds=60)
# against SMS bombing: at most this many codes to one phone within the window
MAX_CODES_PER_WINDOW = 10
CODES_WINDOW = timedelta(hours=1)

# outcomes of a check, before the code itself is compared
USED = "used"
LOCKED = "locked"
EXPIRED = "expired"
BAD_FORMAT = "bad_format"

_PHONE_RE = re.compile(r"^1[3-9][0-9]{9}$")
_CODE_RE = re.compile(r"^[0-9]{%d}$" % CODE_LENGTH)
_SEPARATORS = re.compile(r"[\s\-()]")


def normalize_phone(text):
    """The stored form of a typed mobile number: digits only, without the +86 / 0086 prefix."""
    if not text:
        return ""
    phone = _SEPARATORS.sub("", str(text))
    for prefix in ("+86", "0086"):
        if phone.startswith(prefix):
            phone = phone[len(prefix):]
            break
    else:
        if len(phone) == 13 and phone.startswith("86"):
            phone = phone[2:]
    return phone


def is_valid_phone(phone):
    """An 11-digit mainland China mobile number (1, then 3-9, then 9 digits), as normalised."""
    return bool(_PHONE_RE.match(normalize_phone(phone)))


def new_code(randbelow=secrets.randbelow):
    """A random code of CODE_LENGTH digits (leading zeros kept)."""
    return "%0*d" % (CODE_LENGTH, randbelow(10 ** CODE_LENGTH))


def is_code_format(code):
    return bool(_CODE_RE.match(code or ""))


def new_salt():
    return secrets.token_hex(16)


def hash_code(code, salt, secret=""):
    """HMAC-SHA256 of the code under the record's salt and the database secret (hex)."""
    key = ("%s:%s" % (secret, salt)).encode()
    return hmac.new(key, (code or "").encode(), hashlib.sha256).hexdigest()


def is_expired(now, sent_at, ttl=CODE_TTL):
    return now >= sent_at + ttl


def check_before_compare(now, sent_at, attempts, used, code, ttl=CODE_TTL, max_attempts=MAX_ATTEMPTS):
    """Why ``code`` cannot be accepted whatever it is (USED, LOCKED, EXPIRED, BAD_FORMAT), or None
    when it must be compared with the stored hash. A badly formed code costs no attempt."""
    if used:
        return USED
    if attempts >= max_attempts:
        return LOCKED
    if is_expired(now, sent_at, ttl):
        return EXPIRED
    if not is_code_format(code):
        return BAD_FORMAT
    return None


def attempts_left(attempts, max_attempts=MAX_ATTEMPTS):
    return max(max_attempts - attempts, 0)


def resend_wait(now, sent_times, interval=RESEND_INTERVAL, window=CODES_WINDOW,
                max_per_window=MAX_CODES_PER_WINDOW):
    """Seconds to wait before another code may go to a phone that got codes at ``sent_times``
    (0: send now). One code per ``interval``, at most ``max_per_window`` within ``window``."""
    wait = timedelta(0)
    if sent_times:
        wait = max(wait, max(sent_times) + interval - now)
        recent = sorted(t for t in sent_times if t > now - window)
        if len(recent) >= max_per_window:
            # the oldest code that still counts must leave the window first
            wait = max(wait, recent[-max_per_window] + window - now)
    seconds = wait.total_seconds()
    return int(seconds) + (1 if seconds % 1 else 0) if seconds > 0 else 0
