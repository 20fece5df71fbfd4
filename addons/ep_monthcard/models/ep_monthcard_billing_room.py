from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .ep_monthcard import VALID_STATES

ARREARS_STATES = [("unknown", "Not Checked"), ("clear", "Paid Up"), ("arrears", "In Arrears")]


class EpMonthcardBillingRoom(models.Model):
    """A room of the property-fee (charging) system the month cards of a household are bound to
    (收费房间绑定, seed 000 §2.3.5 and §2.3.6 A).

    Two bindings, each optional:

    * property fee (绑定物业费): while the property-fee system says the room owes fees, its
      owner cannot pay the month cards online (:meth:`_check_owner_payment`); the room code is
      the room's key in that system, asked through ``ep.monthcard.arrears.provider``;
    * bank debit (银行代扣): the bank debits of the room (``ep.monthcard.bank.debit``) renew its
      cards automatically when they pay a whole number of periods of them.

    A card is bound to one room at most, of its own lot.
    """

    _name = "ep.monthcard.billing.room"
    _description = "Billing Room"
    _inherit = ["mail.thread"]
    _order = "lot_id, building, room, id"

    name = fields.Char(compute="_compute_name", store=True, index=True)
    lot_id = fields.Many2one("ep.parking.lot", required=True, index=True, ondelete="restrict",
                             track_visibility="onchange")
    region_id = fields.Many2one(related="lot_id.region_id", store=True, readonly=True)
    currency_id = fields.Many2one(related="lot_id.currency_id", readonly=True)
    building = fields.Char(track_visibility="onchange")
    room = fields.Char(required=True, track_visibility="onchange")
    card_ids = fields.Many2many("ep.monthcard", "ep_monthcard_billing_room_card_rel", "room_id", "card_id",
                                string="Month Cards", help="The household's cards, all of the room's lot.")
    card_count = fields.Integer(compute="_compute_card_count", string="Cards")
    property_fee = fields.Boolean(
        string="Property Fee Binding", track_visibility="onchange",
        help="While the room owes property fees, its owner cannot pay its month cards online (绑定物业费).")
    fee_room_code = fields.Char(
        string="Property-Fee Room Code", index=True, track_visibility="onchange",
        help="The room's code in the property-fee system, which says whether it owes fees.")
    arrears_state = fields.Selection(ARREARS_STATES, string="Property Fee", required=True, default="unknown",
                                     readonly=True, copy=False)
    arrears_amount = fields.Monetary(string="Arrears", readonly=True, copy=False)
    arrears_checked_at = fields.Datetime(string="Last Check", readonly=True, copy=False)
    bank_debit = fields.Boolean(
        string="Bank Debit Binding", track_visibility="onchange",
        help="The bank debits of this room renew its cards automatically (银行代扣).")
    debit_account = fields.Char(track_visibility="onchange",
                                help="The bank account the charging system debits, for reference.")
    debit_contract = fields.Char(index=True, track_visibility="onchange",
                                 help="The debit agreement's number in the charging system.")
    debit_ids = fields.One2many("ep.monthcard.bank.debit", "room_id", string="Bank Debits")
    debit_count = fields.Integer(compute="_compute_debit_count", string="Debits")
    active = fields.Boolean(default=True)
    note = fields.Text()

    # ------------------------------------------------------------ computes
    @api.depends("building", "room")
    def _compute_name(self):
        for room in self:
            room.name = "-".join(part for part in (room.building, room.room) if part)

    @api.depends("card_ids")
    def _compute_card_count(self):
        for room in self:
            room.card_count = len(room.card_ids)

    def _compute_debit_count(self):
        counts = dict((row["room_id"][0], row["room_id_count"]) for row in self.env["ep.monthcard.bank.debit"]
                      .read_group([("room_id", "in", self.ids)], ["room_id"], ["room_id"]))
        for room in self:
            room.debit_count = counts.get(room.id, 0)

    @api.multi
    def name_get(self):
        return [(room.id, "%s · %s" % (room.name, room.lot_id.code or "")) for room in self]

    # ------------------------------------------------------------ constraints
    @api.constrains("property_fee", "fee_room_code")
    def _check_fee_room_code(self):
        # sudo (in these checks): they run before the record rules are checked on create, which
        # refuse the record itself to a user of another region.
        for room in self.sudo():
            if room.property_fee and not (room.fee_room_code or "").strip():
                raise ValidationError(_("The room %(room)s is bound to the property fee: give its room code in the "
                                        "property-fee system.") % {"room": room.name})

    @api.constrains("lot_id", "building", "room")
    def _check_unique(self):
        for room in self.sudo():
            if room.search_count([("id", "!=", room.id), ("lot_id", "=", room.lot_id.id),
                                  ("building", "=", room.building), ("room", "=", room.room)]):
                raise ValidationError(_("The room %(room)s of %(lot)s exists already.")
                                      % {"room": room.name, "lot": room.lot_id.name})

    @api.constrains("lot_id", "card_ids", "active")
    def _check_cards(self):
        for room in self.sudo():
            strangers = room.card_ids.filtered(lambda c, lot=room.lot_id: c.lot_id != lot)
            if strangers:
                raise ValidationError(_("The month card %(plate)s belongs to %(card_lot)s, not to the room's lot "
                                        "%(lot)s.") % {"plate": strangers[0].plate,
                                                       "card_lot": strangers[0].lot_id.name,
                                                       "lot": room.lot_id.name})
            if not room.active or not room.card_ids:
                continue
            # (a card bound to a room the user cannot see is bound all the same)
            other = room.search([("id", "!=", room.id), ("card_ids", "in", room.card_ids.ids)], limit=1)
            if other:
                card = (other.card_ids & room.card_ids)[0]
                raise ValidationError(_("The month card %(plate)s is bound to the room %(other)s already: "
                                        "unbind it there first.") % {"plate": card.plate, "other": other.name})

    @api.onchange("lot_id")
    def _onchange_lot_id(self):
        self.card_ids = self.card_ids.filtered(lambda c: c.lot_id == self.lot_id)

    # ------------------------------------------------------------ property fee
    @api.multi
    def action_check_arrears(self):
        """Ask the property-fee system now whether the rooms owe fees."""
        unbound = self.filtered(lambda r: not r.property_fee)
        if unbound:
            raise UserError(_("The room %(room)s is not bound to the property fee.") % {"room": unbound[0].name})
        for room in self:
            room._refresh_arrears()
        return True

    def _refresh_arrears(self):
        """The room's arrears as the provider says now (Decimal), kept on the room."""
        self.ensure_one()
        amount = self.env["ep.monthcard.arrears.provider"]._get_arrears(self.fee_room_code.strip())
        self.write({"arrears_state": "arrears" if amount > 0 else "clear", "arrears_amount": float(amount),
                    "arrears_checked_at": fields.Datetime.now()})
        return amount

    @api.model
    def _check_owner_payment(self, card):
        """The owner of ``card`` is about to pay it (portal, app): refuse while a room it is bound to
        for the property fee owes fees (seed: 您的物业费尚未缴清，无法支付月卡费用)."""
        # sudo: owners have no access to rooms; the answer is a yes/no (and the amount owed is theirs).
        rooms = self.sudo().search([("card_ids", "in", card.ids), ("property_fee", "=", True)])
        for room in rooms:
            amount = room._refresh_arrears()
            if amount > 0:
                url = self.env["ep.monthcard.arrears.provider"]._get_payment_url(room.fee_room_code.strip())
                if url:
                    raise UserError(_("The room %(room)s is in arrears of %(amount)s on its property fee: pay the "
                                      "property fee first (%(url)s), then the month card.")
                                    % {"room": room.name, "amount": amount, "url": url})
                raise UserError(_("The room %(room)s is in arrears of %(amount)s on its property fee: pay the "
                                  "property fee first, then the month card.") % {"room": room.name, "amount": amount})
        return True

    # ------------------------------------------------------------ bank debit
    def _get_debit_cards(self):
        """The cards a bank debit of the room renews: those bound and not disabled or cancelled."""
        self.ensure_one()
        return self.card_ids.filtered(lambda c: c.state in VALID_STATES).sorted("id")

    @api.multi
    def action_view_debits(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "name": _("Bank Debits"), "res_model": "ep.monthcard.bank.debit",
            "view_mode": "tree,form", "domain": [("room_id", "=", self.id)],
            "context": {"default_room_id": self.id},
        }

    @api.multi
    def action_view_cards(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "name": _("Month Cards"), "res_model": "ep.monthcard",
            "view_mode": "tree,form", "domain": [("id", "in", self.card_ids.ids)],
        }
