from decimal import Decimal

from odoo import _, api, fields, models
from odoo.addons.ep_parking.models.ep_parking_tariff import monetary_to_decimal
from odoo.exceptions import UserError, ValidationError

from ..lib.wallet import can_start, debit, refund, top_up

MAX_ONLINE_TOPUP = Decimal("5000.00")


class EpChargingCard(models.Model):
    """A charging card (seed 004 §7.2 电子卡, §7.3 实体卡): an electronic card in the owner's app or a
    physical IC card swiped at the pile, with a balance that only its transactions change
    (top-up, charge, refund), each under a lock of the card row."""

    _name = "ep.charging.card"
    _description = "Charging Card"
    _order = "create_date desc, id desc"

    name = fields.Char(string="Card Number", required=True, index=True, copy=False)
    kind = fields.Selection([("electronic", "Electronic Card"), ("physical", "Physical IC Card")], required=True,
                            default="electronic")
    station_id = fields.Many2one("ep.charging.station", required=True, index=True, ondelete="restrict")
    lot_id = fields.Many2one(related="station_id.lot_id", store=True, readonly=True)
    region_id = fields.Many2one(related="station_id.region_id", store=True, readonly=True)
    currency_id = fields.Many2one(related="station_id.currency_id", readonly=True)
    partner_id = fields.Many2one("res.partner", string="User", index=True, ondelete="restrict")
    phone = fields.Char()
    user_number = fields.Char(help="Physical cards: the number the IC card writer gives.")
    balance = fields.Monetary(readonly=True, copy=False)
    state = fields.Selection([("active", "Enabled"), ("disabled", "Disabled")], required=True, default="active")
    transaction_ids = fields.One2many("ep.charging.card.transaction", "card_id", string="Records", readonly=True)

    _sql_constraints = [
        ("name_uniq", "unique(name)", "Card numbers are unique."),
        ("balance_positive", "CHECK(balance >= 0)", "A card balance never goes below zero."),
    ]

    @api.multi
    def unlink(self):
        if self.filtered(lambda card: card.balance or card.transaction_ids):
            raise UserError(_("A card with a balance or records cannot be deleted: refund and disable it."))
        return super().unlink()

    def _lock(self):
        """The card's current balance, its row locked until the transaction ends."""
        self.ensure_one()
        self.env.cr.execute("SELECT balance FROM ep_charging_card WHERE id = %s FOR UPDATE", [self.id])
        self.invalidate_cache(["balance"], self.ids)
        return monetary_to_decimal(self.env.cr.fetchone()[0])

    def _record(self, kind, amount, balance, order=None, note=None):
        self.ensure_one()
        # sudo: the balance is written only here, by the card's own operations, after their checks
        self.sudo().write({"balance": float(balance)})
        return self.env["ep.charging.card.transaction"].sudo().create({
            "card_id": self.id, "kind": kind, "amount": float(amount), "balance": float(balance),
            "order_id": order.id if order else False, "note": note})

    def _check_usable(self):
        if self.state != "active":
            raise UserError(_("The card %s is disabled.") % self.name)

    @api.multi
    def _top_up(self, amount, note=None):
        self.ensure_one()
        self._check_usable()
        try:
            balance = top_up(self._lock(), Decimal(str(amount)))
        except ValueError as exc:
            raise ValidationError(_("Top-up refused: %s") % exc) from None
        return self._record("topup", Decimal(str(amount)), balance, note=note)

    @api.multi
    def _refund(self, amount=None, note=None):
        self.ensure_one()
        current = self._lock()
        try:
            balance = refund(current, None if amount is None else Decimal(str(amount)))
        except ValueError as exc:
            raise ValidationError(_("Refund refused: %s") % exc) from None
        return self._record("refund", balance - current, balance, note=note)

    # ------------------------------------------------------------ online top-up by the owner
    @api.multi
    def _create_topup_order(self, amount, channel, partner=None):
        """A transaction order topping the card up by ``amount`` once paid (``_ep_order_paid``)."""
        self.ensure_one()
        self._check_usable()
        try:
            amount = top_up(0, Decimal(str(amount or 0)))
        except ValueError as exc:
            raise UserError(_("Top-up refused: %s") % exc) from None
        if amount > MAX_ONLINE_TOPUP:
            raise UserError(_("Top up at most %s at a time.") % MAX_ONLINE_TOPUP)
        # sudo: transaction orders are the payment system's records; owners do not write them
        return self.env["ep.parking.order"].sudo().create({
            "kind": "charging", "lot_id": self.station_id.lot_id.id, "channel_id": channel.id, "amount": float(amount),
            "res_model": self._name, "res_id": self.id, "partner_id": partner.id if partner else False,
            "note": _("Top-up of card %s") % self.name})

    def _ep_order_paid(self, order):
        self._top_up(order.amount, note=order.name)

    def _can_start(self, charger, deposit=0):
        """Whether the card holds the pile's minimum balance, plus the occupancy deposit it will pay."""
        self.ensure_one()
        return self.state == "active" and can_start(monetary_to_decimal(self.balance),
                                                    monetary_to_decimal(charger.min_balance) + Decimal(deposit))

    def _take_deposit(self, order, amount):
        """Take the occupancy deposit (预付占位押金) of ``order`` from the card, all of it or refuse."""
        self.ensure_one()
        result = debit(self._lock(), amount)
        if result.unpaid:
            raise UserError(_("The card %(card)s cannot pay the deposit of %(amount)s.")
                            % {"card": self.name, "amount": amount})
        return self._record("deposit", -result.paid, result.balance, order=order)

    def _refund_deposit(self, order, amount):
        """What the occupancy left of the deposit goes back to the card (退还押金)."""
        self.ensure_one()
        balance = top_up(self._lock(), amount)
        return self._record("deposit_refund", amount, balance, order=order)

    def _pay(self, order, amount):
        """Charge ``amount`` of ``order`` to the card: the part the balance paid and what is unpaid."""
        self.ensure_one()
        result = debit(self._lock(), amount)
        if result.paid:
            self._record("charge", -result.paid, result.balance, order=order)
        return result
