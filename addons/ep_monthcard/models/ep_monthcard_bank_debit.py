import logging

from odoo import _, api, fields, models
from odoo.addons.ep_parking.models.ep_parking_tariff import monetary_to_decimal
from odoo.exceptions import UserError, ValidationError

from ..lib import billing

_logger = logging.getLogger(__name__)

DEBIT_STATES = [("new", "New"), ("done", "Renewed"), ("failed", "Failed")]
# Fields of the debit as the charging system sent it: fixed once the debit is processed.
SOURCE_FIELDS = ("room_id", "amount", "bank_ref", "debit_date")


class EpMonthcardBankDebit(models.Model):
    """A bank-debit order of the charging system (银行代扣订单, seed 000 §2.3.6 A).

    The parking part of a bank debit of a billing room renews the room's cards when it pays a
    whole number N of periods of them: one card of 100 and a debit of 300 → 3 months; cards of
    250 and 300 and a debit of 550 → one month each (``lib/billing.match_bank_debit``). Anything
    else fails, renewing nothing, and is left for a manual renewal (续费不成功，请用原来的方式续费).
    Each renewal is paid by an order of the "Bank Debit" channel carrying the bank's reference.
    """

    _name = "ep.monthcard.bank.debit"
    _description = "Bank Debit Order"
    _inherit = ["mail.thread"]
    _order = "debit_date desc, id desc"
    _rec_name = "bank_ref"

    bank_ref = fields.Char(string="Bank Reference", required=True, index=True, copy=False,
                           help="The debit's number in the charging system / at the bank.")
    room_id = fields.Many2one("ep.monthcard.billing.room", string="Billing Room", required=True, index=True,
                              ondelete="restrict", domain=[("bank_debit", "=", True)])
    # Set from the room on create (the region record rules read it; see ep.monthcard.suspension).
    lot_id = fields.Many2one("ep.parking.lot", required=True, index=True, readonly=True, ondelete="restrict")
    region_id = fields.Many2one(related="lot_id.region_id", store=True, readonly=True)
    currency_id = fields.Many2one(related="lot_id.currency_id", readonly=True)
    amount = fields.Monetary(string="Parking Fee", required=True,
                             help="The parking part of the debit (停车费).")
    debit_date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    state = fields.Selection(DEBIT_STATES, required=True, default="new", readonly=True, copy=False, index=True,
                             track_visibility="onchange")
    message = fields.Text(readonly=True, copy=False, help="What processing did, or why it failed.")
    months = fields.Integer(string="Periods", readonly=True, copy=False,
                            help="Periods each card was renewed by (months, or years for year rules).")
    renewal_ids = fields.Many2many("ep.monthcard.renewal", "ep_monthcard_bank_debit_renewal_rel", "debit_id",
                                   "renewal_id", string="Renewals", readonly=True, copy=False)
    processed_at = fields.Datetime(readonly=True, copy=False)
    note = fields.Text()

    _sql_constraints = [("bank_ref_uniq", "unique(bank_ref)", "A bank debit is imported once.")]

    # ------------------------------------------------------------ constraints
    @api.constrains("amount")
    def _check_amount(self):
        # sudo: the check runs before the record rules refuse the debit to a user of another region.
        for debit in self.sudo():
            if debit.amount <= 0:
                raise ValidationError(_("The bank debit %(ref)s must have a positive amount.")
                                      % {"ref": debit.bank_ref})

    # ------------------------------------------------------------ CRUD
    @api.model
    def create(self, vals):
        vals = dict(vals)
        if vals.get("room_id"):
            vals["lot_id"] = self.env["ep.monthcard.billing.room"].browse(vals["room_id"]).lot_id.id
        return super().create(vals)

    @api.multi
    def write(self, vals):
        if any(name in vals for name in SOURCE_FIELDS) and self.filtered(lambda d: d.state != "new"):
            raise UserError(_("A processed bank debit keeps the data the charging system sent."))
        if vals.get("room_id"):
            vals = dict(vals, lot_id=self.env["ep.monthcard.billing.room"].browse(vals["room_id"]).lot_id.id)
        return super().write(vals)

    @api.multi
    def unlink(self):
        if self.filtered(lambda d: d.state == "done"):
            raise UserError(_("A bank debit that renewed cards cannot be deleted."))
        return super().unlink()

    # ------------------------------------------------------------ actions
    @api.multi
    def action_process(self):
        """Renew the cards of each new debit's room; each debit succeeds or fails on its own."""
        wrong = self.filtered(lambda d: d.state != "new")
        if wrong:
            raise UserError(_("The bank debit %(ref)s was processed already.") % {"ref": wrong[0].bank_ref})
        self.check_access_rights("write")
        self.check_access_rule("write")
        for debit in self:
            debit._process_one()
        return True

    @api.multi
    def action_retry(self):
        """A failed debit, once its room's binding or its cards are put right, is processed again."""
        wrong = self.filtered(lambda d: d.state != "failed")
        if wrong:
            raise UserError(_("Only a failed bank debit can be processed again (%(ref)s).")
                            % {"ref": wrong[0].bank_ref})
        self.write({"state": "new", "message": False})
        return self.action_process()

    @api.model
    def _cron_process(self):
        """Job: process the new debits, oldest first. Returns how many renewed their cards."""
        debits = self.search([("state", "=", "new")], order="debit_date, id")
        if debits:
            debits.action_process()
        return len(debits.filtered(lambda d: d.state == "done"))

    # ------------------------------------------------------------ business methods
    def _process_one(self):
        """Match and renew in a savepoint: on any refusal nothing of this debit is kept, and the
        debit is marked failed with the reason."""
        self.ensure_one()
        try:
            with self.env.clear_upon_failure(), self.env.cr.savepoint():
                renewals, months = self._renew_cards()
                self.write({"state": "done", "months": months, "renewal_ids": [(6, 0, renewals.ids)],
                            "processed_at": fields.Datetime.now(),
                            "message": _("Renewed %(plates)s by %(count)s periods each.")
                            % {"plates": ", ".join(renewals.mapped("card_id.plate")), "count": months}})
        except (UserError, ValidationError) as error:
            reason = getattr(error, "name", None) or str(error)
            _logger.info("bank debit %s failed: %s", self.bank_ref, reason)
            self.write({"state": "failed", "months": 0, "renewal_ids": [(5,)], "message": reason,
                        "processed_at": fields.Datetime.now()})
            self.message_post(body=_("Not renewed: %(reason)s") % {"reason": reason})
            return False
        self.message_post(body=self.message)
        return True

    def _renew_cards(self):
        """Renew every debit card of the room by the N periods the amount pays; raises UserError
        when the amount does not match. Returns (renewals as superuser, N)."""
        # sudo: the room's binding (made by its lot staff) decides which cards a debit renews;
        # finance processes the debits of every region without access to the cards, and the
        # user's right on this debit was checked by action_process.
        room = self.room_id.sudo()
        if not room.bank_debit:
            raise UserError(_("The room %(room)s is not bound for bank debit.") % {"room": room.name})
        cards = room._get_debit_cards()
        if not cards:
            raise UserError(_("The room %(room)s has no valid month card to renew.") % {"room": room.name})
        fees = [(card.id, card._get_monthly_fee()) for card in cards]
        try:
            match = billing.match_bank_debit(monetary_to_decimal(self.amount), fees)
        except billing.BillingError:
            raise UserError(_("A card of the room %(room)s has no price: renew the cards by hand.")
                            % {"room": room.name}) from None
        if not match:
            raise UserError(_("%(amount)s is not a whole number of periods of the cards of %(room)s (%(fees)s): "
                              "renew them by hand.")
                            % {"amount": monetary_to_decimal(self.amount), "room": room.name,
                               "fees": ", ".join("%s %s" % (card.plate, fee) for card, (_key, fee)
                                                 in zip(cards, fees, strict=True))})
        channel = self._get_channel()
        Renewal = self.env["ep.monthcard.renewal"].sudo()  # sudo: see above
        renewals = Renewal.browse()
        for card, (_key, fee) in zip(cards, fees, strict=True):
            months = match[card.id]
            renewals |= Renewal._create_paid_renewal(card, months, channel, self._get_transaction(card, len(cards)),
                                                     source="bank_debit", amount=fee * months)
        return renewals, match[cards[0].id]

    def _get_transaction(self, card, card_count):
        """The reference on each card's order: the bank's, with the plate when it pays several cards
        (an order's third-party reference is unique per channel)."""
        self.ensure_one()
        return self.bank_ref if card_count == 1 else "%s/%s" % (self.bank_ref, card.plate)

    @api.model
    def _get_channel(self):
        channel = self.env.ref("ep_monthcard.payment_method_bank_debit", raise_if_not_found=False)
        if not channel or not channel.active:
            raise UserError(_("The Bank Debit payment channel is missing."))
        return channel
