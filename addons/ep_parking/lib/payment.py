"""Payment notifications: signing, parsing and the grace period (no odoo import).

Gateways (WeChat, Alipay, UnionPay, ...) are not reachable from here; every provider sits
behind the interface of ``ep.parking.payment.provider`` and the local test provider signs
its notifications like a real gateway does: HMAC-SHA256 over the canonical JSON of the
payload without its ``sign`` key. A notification is::

    {"reference": "<our order number>", "transaction": "<gateway number>",
     "amount": "12.50", "status": "paid" | "failed", "paid_at": "YYYY-MM-DD HH:MM:SS",
     "sign": "<hex>"}

:func:`parse_notification` checks the signature and the fields and returns a
:class:`Notification`; anything wrong raises :class:`PaymentError` naming the field.
"""
import hashlib
import hmac
import json
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

STATUSES = ("paid", "failed")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
_CENT = Decimal("0.01")


class PaymentError(ValueError):
    """A notification or payment request that cannot be accepted; ``field`` names the culprit."""

    def __init__(self, field, reason):
        super().__init__("%s: %s" % (field, reason))
        self.field = field
        self.reason = reason


class Notification(NamedTuple):
    reference: str
    transaction: str
    amount: Decimal
    status: str
    paid_at: datetime


def money(value):
    """An amount (int, str, Decimal) as a Decimal with two places, half-up."""
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError):
        raise PaymentError("amount", "not a number") from None
    if not amount.is_finite():
        raise PaymentError("amount", "not a number")
    return amount.quantize(_CENT, rounding="ROUND_HALF_UP")


def _canonical(payload):
    body = {key: value for key, value in payload.items() if key != "sign"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sign(secret, payload):
    """The signature of ``payload`` (its ``sign`` key, if any, left out)."""
    if not secret:
        raise PaymentError("secret", "missing")
    return hmac.new(secret.encode("utf-8"), _canonical(payload), hashlib.sha256).hexdigest()


def signed(secret, payload):
    """``payload`` with its signature added."""
    return dict(payload, sign=sign(secret, payload))


def parse_notification(secret, payload):
    """Check and decode a gateway notification (see the module docstring)."""
    if not isinstance(payload, dict):
        raise PaymentError("payload", "not an object")
    signature = payload.get("sign")
    if not isinstance(signature, str) or not hmac.compare_digest(signature, sign(secret, payload)):
        raise PaymentError("sign", "bad signature")
    values = {}
    for field in ("reference", "transaction"):
        value = payload.get(field)
        if not isinstance(value, str) or not value.strip() or len(value) > 64:
            raise PaymentError(field, "missing")
        values[field] = value.strip()
    if not isinstance(payload.get("amount"), (str, int)):
        raise PaymentError("amount", "not a number")
    amount = money(payload["amount"])
    if amount <= 0:
        raise PaymentError("amount", "not positive")
    status = payload.get("status")
    if status not in STATUSES:
        raise PaymentError("status", "unknown")
    try:
        paid_at = datetime.strptime(payload.get("paid_at") or "", TIME_FORMAT)
    except (TypeError, ValueError):
        raise PaymentError("paid_at", "not %s" % TIME_FORMAT) from None
    return Notification(values["reference"], values["transaction"], amount, status, paid_at)


def pay_until(paid_at, grace_minutes):
    """The last moment a car paid at ``paid_at`` may leave without paying more."""
    if grace_minutes < 0:
        raise ValueError("grace_minutes: negative")
    return paid_at + timedelta(minutes=grace_minutes)


def amount_due(fee, paid, covered=0):
    """What is left to pay of ``fee`` after payments and coupons, never below zero."""
    return max(money(fee) - money(paid) - money(covered), Decimal("0.00"))
