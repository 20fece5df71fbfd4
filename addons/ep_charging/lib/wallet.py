"""Charging cards' balances (电子卡 / 实体卡, seed 004 §7.2-7.3): top-ups, charges, refunds, and the
minimum balance a pile asks for before it starts (启动充电最低金额, §4.2)."""
from collections import namedtuple

from .money import round_half_up, to_decimal

Debit = namedtuple("Debit", "paid unpaid balance")


def can_start(balance, min_balance):
    """Whether a card holding ``balance`` may start a charge on a pile asking ``min_balance``."""
    return to_decimal(balance, "balance") >= to_decimal(min_balance, "minimum balance")


def top_up(balance, amount):
    amount = round_half_up(amount)
    if amount <= 0:
        raise ValueError("a top-up must be positive")
    return round_half_up(to_decimal(balance, "balance") + amount)


def debit(balance, amount):
    """Charge ``amount`` to a card: what the balance pays, what stays unpaid, the new balance
    (never below 0: the rest is the order's to pay another way)."""
    balance, amount = round_half_up(balance), round_half_up(amount)
    if amount < 0:
        raise ValueError("a charge must not be negative")
    paid = min(max(balance, 0), amount)
    return Debit(paid, amount - paid, balance - paid)


def refund(balance, amount=None):
    """Refund ``amount`` (the whole balance by default) from the card: the new balance."""
    balance = round_half_up(balance)
    amount = balance if amount is None else round_half_up(amount)
    if amount <= 0 or amount > balance:
        raise ValueError("a refund must be positive and at most the balance (%s)" % balance)
    return balance - amount
