from decimal import Decimal

from odoo import _, api, fields, models
from odoo.addons.ep_parking.lib import list_window
from odoo.exceptions import UserError, ValidationError

from ..lib import billing
from .ep_monthcard_rule import PUSH_FIELDS

CARD_STATES = [
    ("created", "Created"),
    ("in_use", "In Use"),
    ("disabled", "Disabled"),
    ("cancelled", "Cancelled"),
]
# A card in these states lets its car in during its validity.
VALID_STATES = ("created", "in_use")
# §2.3.5 状态: the moves a card's state may make.
TRANSITIONS = {
    "created": ("in_use", "disabled", "cancelled"),
    "in_use": ("disabled", "cancelled"),
    "disabled": ("in_use", "cancelled"),
    "cancelled": (),
}
CARD_KINDS = [("multi_car", "Multi-car Card"), ("child_mother", "Child-mother Spaces")]
UPSERT = "monthcard_upsert"
DELETE = "monthcard_delete"
# Set by action_change_rule: a card's rule changes only through it (the end moves with the price).
RULE_CHANGE_KEY = "ep_monthcard_rule_change"


class EpMonthcard(models.Model):
    """A month card: a plate parks at a lot for a paid period (seed 000 §2.3.5).

    The card follows a rule of its lot (the price per space) and may carry sub plates
    (一卡多车). States: created and in use let the cars in; disabled cars pay as temporary
    ones until the card is enabled; a cancelled card is deleted at the vendor and kept
    read-only. Saving keeps changes on the platform; "push" sends the card to the lot's
    vendor (``monthcard_upsert``), which makes a created card in use once acknowledged.
    """

    _name = "ep.monthcard"
    _description = "Month Card"
    _inherit = ["ep.parking.plate.mixin", "ep.monthcard.push.mixin", "mail.thread"]
    _order = "date_end desc, id desc"
    _rec_name = "plate"

    lot_id = fields.Many2one("ep.parking.lot", required=True, index=True, ondelete="restrict",
                             track_visibility="onchange")
    rule_id = fields.Many2one("ep.monthcard.rule", index=True, ondelete="restrict",
                              track_visibility="onchange",
                              help="The charging rule (§2.3.2); change it with 'Change Rule' once the card exists.")
    currency_id = fields.Many2one(related="lot_id.currency_id", readonly=True)
    card_kind = fields.Selection(
        CARD_KINDS, string="Type", required=True, default="multi_car", track_visibility="onchange",
        help="Multi-car card: one space one car, several spaces several cars, and so on. Child-mother: "
             "a card for child-mother spaces (子母车位).")
    plate_ids = fields.One2many("ep.monthcard.plate", "card_id", string="Sub Plates",
                                help="Other plates of the card (一卡多车); fees are computed on the main plate.")
    partner_id = fields.Many2one("res.partner", string="Holder", index=True, ondelete="restrict",
                                 track_visibility="onchange")
    phone = fields.Char(track_visibility="onchange")
    date_start = fields.Datetime(string="Valid From", required=True, default=fields.Datetime.now,
                                 track_visibility="onchange")
    date_end = fields.Datetime(string="Valid Until", required=True, index=True, track_visibility="onchange")
    space_name = fields.Char(string="Space", track_visibility="onchange", help="The space number, if any.")
    spaces = fields.Integer(required=True, default=1, track_visibility="onchange",
                            help="Spaces the card pays for: the fee is the rule's price times this.")
    inner_spaces = fields.Integer(default=0, track_visibility="onchange",
                                  help="Of the spaces, those in the inner area (0: no inner-area limit).")
    room = fields.Char(track_visibility="onchange")
    building = fields.Char(track_visibility="onchange")
    monthly_fee = fields.Monetary(compute="_compute_monthly_fee", string="Fee per Period",
                                  help="The rule's price times the spaces: per month, or per year for year cards.")
    state = fields.Selection(CARD_STATES, required=True, default="created", index=True, copy=False,
                             track_visibility="onchange")
    allow_online_renewal = fields.Boolean(
        string="Online Renewal", default=True, track_visibility="onchange",
        help="The holder may renew this card online (§2.3.8 B d: 是否允许APP续费); off: only at the lot.")
    emergency_open = fields.Boolean(
        string="Emergency Opening", track_visibility="onchange",
        help="The holder may open a gate from the app when the plate is not recognised (紧急开闸).")
    note = fields.Text()

    # ------------------------------------------------------------ computes
    @api.depends("rule_id.price", "spaces")
    def _compute_monthly_fee(self):
        for card in self:
            card.monthly_fee = float(card._get_monthly_fee())

    @api.depends("plate", "plate_ids.plate", "date_start", "date_end", "rule_id", "card_kind", "space_name",
                 "spaces", "inner_spaces", "emergency_open", "state", "pushed_args")
    def _compute_push_outdated(self):
        return super()._compute_push_outdated()

    @api.multi
    def name_get(self):
        return [(card.id, "%s · %s" % (card.plate, card.lot_id.code or "")) for card in self]

    # ------------------------------------------------------------ constraints and onchanges
    @api.constrains("date_start", "date_end")
    def _check_period(self):
        for card in self:
            try:
                list_window.check_window(card.date_start, card.date_end)
            except ValueError:
                raise ValidationError(_("The month card of %s must end after it starts.") % card.plate) from None

    @api.constrains("lot_id", "rule_id")
    def _check_rule_lot(self):
        for card in self:
            if card.rule_id and card.rule_id.lot_id != card.lot_id:
                raise ValidationError(_("The rule %(rule)s belongs to %(rule_lot)s, not to the card's lot %(lot)s.")
                                      % {"rule": card.rule_id.name, "rule_lot": card.rule_id.lot_id.name,
                                         "lot": card.lot_id.name})

    @api.constrains("spaces", "inner_spaces")
    def _check_spaces(self):
        for card in self:
            if card.spaces < 1:
                raise ValidationError(_("The month card %(plate)s needs at least one space.") % {"plate": card.plate})
            if not 0 <= card.inner_spaces <= card.spaces:
                raise ValidationError(_("The inner spaces of %(plate)s must be between 0 and its %(spaces)s spaces.")
                                      % {"plate": card.plate, "spaces": card.spaces})

    @api.constrains("plate", "lot_id", "state")
    def _check_plates(self):
        self._check_plate_conflicts()

    def _check_plate_conflicts(self):
        """A plate is the main or a sub plate of at most one valid card of a lot."""
        # sudo: the check must see every card of the lot, whoever saves this one.
        Card = self.env["ep.monthcard"].sudo()
        Plate = self.env["ep.monthcard.plate"].sudo()
        for card in self.filtered(lambda c: c.state in VALID_STATES):
            subs = card.plate_ids.mapped("plate")
            if card.plate in subs:
                raise ValidationError(_("%(plate)s is the main plate of its card: it cannot be a sub plate too.")
                                      % {"plate": card.plate})
            plates = [card.plate] + subs
            other = Card.search([("id", "!=", card.id), ("lot_id", "=", card.lot_id.id),
                                 ("state", "in", VALID_STATES), ("plate", "in", plates)], limit=1)
            plate = other.plate
            if not other:
                sub = Plate.search([("card_id", "!=", card.id), ("card_id.lot_id", "=", card.lot_id.id),
                                    ("card_id.state", "in", VALID_STATES), ("plate", "in", plates)], limit=1)
                other, plate = sub.card_id, sub.plate
            if other:
                raise ValidationError(_("%(plate)s already belongs to the valid month card %(card)s of %(lot)s.")
                                      % {"plate": plate, "card": other.display_name, "lot": card.lot_id.name})

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        if self.partner_id and not self.phone:
            self.phone = self.partner_id.mobile or self.partner_id.phone

    @api.onchange("lot_id")
    def _onchange_lot_id(self):
        if self.rule_id.lot_id != self.lot_id:
            self.rule_id = False

    # ------------------------------------------------------------ CRUD
    @api.multi
    def write(self, vals):
        self._check_writable(vals)
        if "state" in vals:
            self._check_transition(vals["state"])
        if "rule_id" in vals and not self.env.context.get(RULE_CHANGE_KEY) \
                and self.filtered(lambda c: c.rule_id and c.rule_id.id != vals["rule_id"]):
            raise UserError(_("Use 'Change Rule' to change the rule of a card: its validity follows the price."))
        return super().write(vals)

    def _check_writable(self, vals):
        """A cancelled card is kept for reference only: the chatter and the vendor's answers only."""
        cancelled = self.filtered(lambda c: c.state == "cancelled")
        if not cancelled:
            return
        locked = [name for name in vals if name not in PUSH_FIELDS
                  and not name.startswith(("message_", "activity_", "website_message"))]
        if locked:
            raise UserError(_("The month card %(plate)s is cancelled: it can no longer be changed.")
                            % {"plate": cancelled[0].plate})

    def _check_transition(self, state):
        labels = dict(CARD_STATES)
        for card in self:
            if card.state != state and state not in TRANSITIONS[card.state]:
                raise UserError(_("The month card %(plate)s cannot go from %(from)s to %(to)s.")
                                % {"plate": card.plate, "from": labels[card.state], "to": labels[state]})

    # ------------------------------------------------------------ state actions
    @api.multi
    def action_disable(self):
        """禁用: the cars pay as temporary ones until the card is enabled again."""
        wrong = self.filtered(lambda c: c.state not in VALID_STATES)
        if wrong:
            raise UserError(_("Only a created or in-use card can be disabled (%(plate)s).") % {"plate": wrong[0].plate})
        return self.write({"state": "disabled"})

    @api.multi
    def action_enable(self):
        """启用: a disabled card is in use again."""
        wrong = self.filtered(lambda c: c.state != "disabled")
        if wrong:
            raise UserError(_("Only a disabled card can be enabled (%(plate)s).") % {"plate": wrong[0].plate})
        return self.write({"state": "in_use"})

    @api.multi
    def action_cancel_card(self):
        """取消: delete the card at the vendor; the platform keeps it read-only."""
        wrong = self.filtered(lambda c: c.state == "cancelled")
        if wrong:
            raise UserError(_("The month card %(plate)s is already cancelled.") % {"plate": wrong[0].plate})
        self._check_can_push()
        for card in self:
            if card.push_state or card.lot_id._can_take_commands():
                card._push(DELETE, card._prepare_delete_args())
            card.write({"state": "cancelled"})
        return True

    # ------------------------------------------------------------ vendor actions
    @api.multi
    def action_push(self):
        """提交后发送厂家 / 重发本地: send the card (plates, validity, rule, spaces) to the vendor."""
        wrong = self.filtered(lambda c: c.state == "cancelled")
        if wrong:
            raise UserError(_("The month card %(plate)s is cancelled: it is not sent to the vendor any more.")
                            % {"plate": wrong[0].plate})
        norule = self.filtered(lambda c: not c.rule_id)
        if norule:
            raise UserError(_("The month card %(plate)s has no rule: set one before sending it to the vendor.")
                            % {"plate": norule[0].plate})
        self._check_can_push()
        for card in self:
            card._push(UPSERT, card._prepare_push_args())
        return True

    @api.multi
    def action_clear(self):
        """清空本地: delete the card at the vendor without cancelling it (push it again after)."""
        wrong = self.filtered(lambda c: c.state == "cancelled")
        if wrong:
            raise UserError(_("The month card %(plate)s is cancelled: it was already deleted at the vendor.")
                            % {"plate": wrong[0].plate})
        self._check_can_push()
        for card in self:
            card._push(DELETE, card._prepare_delete_args())
        return True

    @api.multi
    def action_open_rule_change(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "name": _("Change Rule"), "res_model": "ep.monthcard.rule.change",
            "view_mode": "form", "target": "new", "context": {"default_card_id": self.id},
        }

    # ------------------------------------------------------------ rule change (§2.3.5 月卡换规则)
    @api.multi
    def action_change_rule(self, new_rule):
        """Move the card to ``new_rule`` of its lot. To a rule as dear or dearer it applies at
        once and the remaining validity shrinks by the price ratio; to a cheaper one it needs
        an approved request (:meth:`_request_rule_change`)."""
        self.ensure_one()
        self._check_rule_change(new_rule)
        if not self.rule_id:
            self.with_context(**{RULE_CHANGE_KEY: True}).write({"rule_id": new_rule.id})
            self.message_post(body=_("Rule set to %(rule)s.") % {"rule": new_rule.name})
            return True
        old_fee, new_fee = self._get_rule_change_fees(new_rule)
        if new_fee < old_fee:
            return self._request_rule_change(new_rule)
        return self._apply_rule_change(new_rule)

    def _check_rule_change(self, new_rule):
        if self.state == "cancelled":
            raise UserError(_("The month card %(plate)s is cancelled: it can no longer be changed.")
                            % {"plate": self.plate})
        if not new_rule or new_rule.lot_id != self.lot_id:
            raise UserError(_("A card moves only to another rule of its own lot %(lot)s.") % {"lot": self.lot_id.name})
        if new_rule == self.rule_id:
            raise UserError(_("The card %(plate)s already follows %(rule)s.") % {"plate": self.plate,
                                                                                 "rule": new_rule.name})
        if new_rule.state != "active":
            raise UserError(_("The rule %(rule)s is forbidden.") % {"rule": new_rule.name})

    def _get_rule_change_fees(self, new_rule):
        """The old and new fees of the card over the same stretch of time (Decimals).

        Month and year rules compare once both are brought to a common period: each price
        is multiplied by the other rule's months, which keeps the old/new ratio exact."""
        old, new = self.rule_id, new_rule
        return (old._get_price() * self.spaces * new._get_unit_months(),
                new._get_price() * self.spaces * old._get_unit_months())

    def _apply_rule_change(self, new_rule, now=None):
        """Switch to ``new_rule`` now: the end moves so the remaining paid value is kept."""
        self.ensure_one()
        now = fields.Datetime.from_string(now or fields.Datetime.now())
        old_fee, new_fee = self._get_rule_change_fees(new_rule)
        old_end = self.date_end
        try:
            new_end = billing.rule_change_end(now, fields.Datetime.from_string(old_end), old_fee, new_fee)
        except billing.BillingError:
            raise UserError(_("The rule %(rule)s has no price: a card cannot move to it with its validity.")
                            % {"rule": new_rule.name}) from None
        old_rule = self.rule_id
        self.with_context(**{RULE_CHANGE_KEY: True}).write({
            "rule_id": new_rule.id, "date_end": fields.Datetime.to_string(new_end)})
        self.message_post(body=_("Rule changed from %(old_rule)s to %(new_rule)s: valid until %(new_end)s "
                                 "instead of %(old_end)s.")
                          % {"old_rule": old_rule.name, "new_rule": new_rule.name, "new_end": self.date_end,
                             "old_end": old_end})
        return True

    def _request_rule_change(self, new_rule):
        """Hook: a change to a cheaper rule needs a request approved by operations (换规则申请).

        The approval flow is not there yet: refuse."""
        raise UserError(_("A change to a cheaper rule needs an approved request."))

    # ------------------------------------------------------------ vendor data
    def _prepare_push_args(self):
        self.ensure_one()
        return {
            "card_id": self.id, "plate": self.plate, "plates": [self.plate] + self.plate_ids.mapped("plate"),
            "start": self.date_start, "end": self.date_end, "rule_id": self.rule_id.id, "card_kind": self.card_kind,
            "space_name": self.space_name or "", "spaces": self.spaces, "inner_spaces": self.inner_spaces,
            "emergency_open": self.emergency_open, "enabled": self.state in VALID_STATES,
        }

    def _prepare_delete_args(self):
        self.ensure_one()
        return {"card_id": self.id, "plates": [self.plate] + self.plate_ids.mapped("plate")}

    def _get_delete_commands(self):
        return (DELETE,)

    def _on_push_acked(self, command):
        if command.command == UPSERT and self.state == "created":
            self.write({"state": "in_use"})

    # ------------------------------------------------------------ business methods
    def _get_monthly_fee(self):
        """What one period of the card costs: the rule's price times the spaces (Decimal; a
        month, or a year for year rules; 0 without a rule)."""
        self.ensure_one()
        if not self.rule_id:
            return Decimal("0.00")
        return self.rule_id._get_price() * self.spaces

    def _ep_check_order_payment(self, channel):
        """§2.3.8 B c, d: an order paying this card goes through a channel its rule takes, before
        the rule's purchase deadline, and online only when the card allows online renewal."""
        self.ensure_one()
        if channel.online and not self.allow_online_renewal:
            raise UserError(_("The month card %(plate)s cannot be renewed online; please renew at the lot.")
                            % {"plate": self.plate})
        if self.rule_id:
            self.rule_id._check_payable(self, channel)

    @api.model
    def _get_valid_domain(self, lot, at=None):
        """Cards of ``lot`` that let their car in at ``at`` (now by default)."""
        at = at or fields.Datetime.now()
        if not isinstance(at, str):
            at = fields.Datetime.to_string(at)
        return [("lot_id", "=", lot.id), ("state", "in", VALID_STATES),
                ("date_start", "<=", at), ("date_end", ">=", at)]
