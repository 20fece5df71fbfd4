import json
from datetime import timedelta
from decimal import ROUND_DOWN, Decimal

from odoo import _, api, fields, models
from odoo.addons.ep_parking.lib import list_window
from odoo.addons.ep_parking.lib.plate import normalize_plate
from odoo.addons.ep_parking.lib.verification import is_valid_phone, normalize_phone
from odoo.addons.ep_parking.models.ep_parking_tariff import from_lot_time, to_lot_time
from odoo.exceptions import UserError, ValidationError

from ..lib import billing, reminder
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
MANUAL_REMINDER_WINDOW = "week"  # 若月卡在7天内过期，可以点击"到期提醒"推送短信消息给业主

# §2.3.5 锁车: what the card asks the lot's vendor about its car's lock, and the bridge command for it.
LOCK_STATES = [("unknown", "Unknown"), ("locked", "Locked"), ("unlocked", "Unlocked")]
LOCK_POLICIES = [("follow_lot", "Follow the Lot"), ("never", "Never Locked")]
LOCK_OPERATIONS = [("lock", "Lock"), ("unlock", "Unlock"), ("follow_lot", "Follow the Lot's Lock"),
                   ("never", "Never Lock"), ("read", "Read Lock State")]
LOCK_COMMANDS = {"lock": "car_lock", "unlock": "car_unlock", "follow_lot": "car_lock_policy",
                 "never": "car_lock_policy", "read": "car_lock_state"}
LOCK_COMMAND_STATES = [("pending", "Pending"), ("done", "Done"), ("failed", "Failed")]
# Set while the main and a sub plate trade places: the plate check runs once both moved.
PLATE_SWAP_KEY = "ep_monthcard_plate_swap"
# What the vendor's answers write, even on a cancelled card (see _check_writable).
LOCK_FIELDS = ("lock_state", "lock_policy", "lock_operation", "lock_command_id", "lock_command_state",
               "lock_message", "lock_date", "lock_records")


def bind_end(now, parts, price):
    """The common end of cards bound into one (多位多车绑定), keeping the validity they paid for.

    ``parts`` are ``(start, end, monthly_price, spaces)`` of the main card first, then of the
    cards bound to it; ``price`` is the main card's monthly price per space, which the whole card
    pays from now on. Each card's remaining time (from ``now`` or its start if later) is worth
    ``monthly_price × spaces × time``; the bound card lasts as long as that value pays at ``price``
    for all the spaces, from ``now`` or the main card's start if later. With a free main rule the
    remaining times are averaged by spaces. Whole seconds, truncated. Pure: no database."""
    if not parts:
        raise ValueError("at least the main card is needed")
    spaces = sum(part[3] for part in parts)
    if spaces < 1 or any(part[3] < 1 for part in parts) or price < 0:
        raise ValueError("spaces must be positive and the price not negative")
    value = Decimal(0)
    for start, end, monthly_price, part_spaces in parts:
        remaining = max(end - max(now, start), timedelta(0))
        seconds = Decimal(remaining.days * 86400 + remaining.seconds)
        weight = monthly_price * part_spaces if price else Decimal(part_spaces)
        value += weight * seconds
    divisor = price * spaces if price else Decimal(spaces)
    seconds = int((value / divisor).to_integral_value(rounding=ROUND_DOWN))
    return max(now, parts[0][0]) + timedelta(seconds=seconds)


class EpMonthcard(models.Model):
    """A month card: a plate parks at a lot for a paid period (seed 000 §2.3.5).

    The card follows a rule of its lot (the price per space) and may carry sub plates
    (一卡多车). States: created and in use let the cars in; disabled cars pay as temporary
    ones until the card is enabled; a cancelled card is deleted at the vendor and kept
    read-only. Saving keeps changes on the platform; "push" sends the card to the lot's
    vendor (``monthcard_upsert``), which makes a created card in use once acknowledged.

    Card operations (§2.3.5): plates and other cards of the lot are bound to a card and unbound
    (the plate's validity then ends that day), a sub plate may become the main plate, two cards of
    the same rule swap their validity (``ep.monthcard.plate.swap`` logs it), and the car is locked,
    unlocked or its lock state read through the lot's local server; the chatter is the case log.
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
    holder_name = fields.Char(
        track_visibility="onchange",
        help="The holder as the card was given or imported (客户); the contact, once linked, is the Holder.")
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
    # -- plate swaps (换车牌日志)
    plate_swap_count = fields.Integer(
        compute="_compute_plate_swap_count", string="Recent Plate Swaps",
        help="Plate swaps of this card within the days of the 'frequent swaps' setting (30 by default).")
    frequent_swaps = fields.Boolean(
        compute="_compute_plate_swap_count", search="_search_frequent_swaps", string="Frequent Plate Swaps",
        help="The card swapped its validity at least as often as the 'frequent swaps' setting says (3 times "
             "in 30 days by default): find out why.")
    # -- car lock (锁车): what the lot's vendor answered
    lock_state = fields.Selection(
        LOCK_STATES, required=True, default="unknown", readonly=True, copy=False, track_visibility="onchange",
        help="The car's lock as the lot last answered: a locked car's gate does not open until it is unlocked.")
    lock_policy = fields.Selection(
        LOCK_POLICIES, string="Lock Setting", required=True, default="follow_lot", readonly=True, copy=False,
        track_visibility="onchange",
        help="Follow the lot: the car is locked when the lot locks every car. Never locked: the owner does not "
             "want the car locked. Changed through the lot; shown once the lot applied it.")
    lock_operation = fields.Selection(LOCK_OPERATIONS, string="Last Lock Request", readonly=True, copy=False)
    lock_command_id = fields.Many2one("ep.device.command", readonly=True, copy=False, ondelete="set null")
    lock_command_state = fields.Selection(LOCK_COMMAND_STATES, string="Lock Request Status", readonly=True,
                                          copy=False)
    lock_message = fields.Char(string="Lot's Answer", readonly=True, copy=False)
    lock_date = fields.Datetime(string="Lock State Read At", readonly=True, copy=False)
    lock_records = fields.Text(readonly=True, copy=False,
                               help="The car's lock history the lot returned with its state.")

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

    def _compute_plate_swap_count(self):
        # sudo: a count of these cards' swaps, whoever reads the card (the log itself stays restricted).
        counts, threshold = self.env["ep.monthcard.plate.swap"].sudo()._get_recent_swap_counts(self.ids)
        for card in self:
            card.plate_swap_count = counts.get(card.id, 0)
            card.frequent_swaps = card.plate_swap_count >= threshold

    def _search_frequent_swaps(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(_("Search frequent plate swaps with = or != only."))
        counts, threshold = self.env["ep.monthcard.plate.swap"]._get_recent_swap_counts()
        frequent = [card_id for card_id, count in counts.items() if count >= threshold]
        positive = (operator == "=") == bool(value)
        return [("id", "in" if positive else "not in", frequent)]

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
        if not self.env.context.get(PLATE_SWAP_KEY):
            self._check_plate_conflicts()

    def _check_plate_conflicts(self):
        """A plate is the main or a sub plate of at most one valid card of a lot.

        Set-based: two queries whatever the number of cards checked (an import checks thousands)."""
        cards = self.filtered(lambda c: c.state in VALID_STATES)
        if not cards:
            return
        owner = {}  # (lot id, plate) -> card of self holding it
        for card in cards:
            subs = card.plate_ids.mapped("plate")
            if card.plate in subs:
                raise ValidationError(_("%(plate)s is the main plate of its card: it cannot be a sub plate too.")
                                      % {"plate": card.plate})
            for plate in [card.plate] + subs:
                other = owner.setdefault((card.lot_id.id, plate), card)
                if other != card:
                    card._raise_plate_taken(plate, other)
        lots, plates = cards.mapped("lot_id").ids, list({plate for _lot, plate in owner})
        # sudo: the check must see every card of the lot, whoever saves this one.
        others = self.env["ep.monthcard"].sudo().search_read(
            [("id", "not in", cards.ids), ("lot_id", "in", lots), ("state", "in", VALID_STATES),
             ("plate", "in", plates)], ["lot_id", "plate"])
        others += [dict(row, id=row["card_id"][0]) for row in self.env["ep.monthcard.plate"].sudo().search_read(
            [("card_id", "not in", cards.ids), ("card_id.lot_id", "in", lots), ("card_id.state", "in", VALID_STATES),
             ("plate", "in", plates)], ["lot_id", "plate", "card_id"])]
        for row in others:
            card = owner.get((row["lot_id"][0], row["plate"]))
            if card:
                card._raise_plate_taken(row["plate"], self.env["ep.monthcard"].sudo().browse(row["id"]))

    def _raise_plate_taken(self, plate, other):
        raise ValidationError(_("%(plate)s already belongs to the valid month card %(card)s of %(lot)s.")
                              % {"plate": plate, "card": other.display_name, "lot": self.lot_id.name})

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        if self.partner_id and not self.phone:
            self.phone = self.partner_id.mobile or self.partner_id.phone
        if self.partner_id and not self.holder_name:
            self.holder_name = self.partner_id.name

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
        locked = [name for name in vals if name not in PUSH_FIELDS and name not in LOCK_FIELDS
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
        """A change to a cheaper rule is never applied directly: it goes through a request operations
        approve (``ep.monthcard.rule.change.request``, 换规则申请), which the *Change Rule* wizard creates;
        once approved the request applies the rule itself."""
        raise UserError(_("A change to a cheaper rule needs an approved request: ask for one with Change Rule."))

    # ------------------------------------------------------------ multi-car binding (§2.3.5 多位多车的绑定和解绑)
    @api.multi
    def action_open_bind(self):
        self.ensure_one()
        self._check_bindable()
        return {
            "type": "ir.actions.act_window", "name": _("Bind Plates"), "res_model": "ep.monthcard.bind",
            "view_mode": "form", "target": "new", "context": {"default_card_id": self.id},
        }

    def _check_bindable(self):
        """Plates join a card that lets cars in, by whoever may change the card."""
        self._check_can_push()
        for card in self:
            if card.state not in VALID_STATES:
                raise UserError(_("Plates are bound only to a created or in-use card (%(plate)s).")
                                % {"plate": card.plate})

    def _bind_plate(self, plate, phone):
        """(1) 新车牌: a plate without a card of its own joins this card; its driver's mobile is required."""
        self.ensure_one()
        self._check_bindable()
        plate, phone = normalize_plate(plate or ""), normalize_phone(phone)
        if not plate:
            raise UserError(_("Enter the plate to bind."))
        if not is_valid_phone(phone):
            raise UserError(_("A new plate needs the 11-digit mobile number of its driver."))
        # sudo: whether the plate has a card of its own at the lot is asked across regions and staff.
        own = self.sudo().search([("lot_id", "=", self.lot_id.id), ("plate", "=", plate),
                                  ("state", "in", VALID_STATES), ("id", "!=", self.id)], limit=1)
        if own:
            raise UserError(_("%(plate)s has a month card of its own at %(lot)s: bind that card instead.")
                            % {"plate": plate, "lot": self.lot_id.name})
        self.write({"plate_ids": [(0, 0, {"plate": plate, "phone": phone})]})
        self.message_post(body=_("Plate %(plate)s bound to the card (driver's mobile %(phone)s).")
                          % {"plate": plate, "phone": phone})
        self._push_if_synced()
        return True

    def _check_bind_cards(self, cards):
        """§2.3.5 (2)(3): the cards to bind into this one, and those whose rule is aligned on the way.

        One card of another rule takes this card's rule automatically; two or more must all follow
        it already (change their rules by hand first)."""
        self.ensure_one()
        if not cards:
            raise UserError(_("Choose the month cards to bind."))
        if self in cards:
            raise UserError(_("A card cannot be bound to itself (%(plate)s).") % {"plate": self.plate})
        if not self.rule_id:
            raise UserError(_("The card %(plate)s has no rule: set one before binding other cards to it.")
                            % {"plate": self.plate})
        for card in cards:
            if card.lot_id != self.lot_id:
                raise UserError(_("%(plate)s is a card of %(lot)s: only cards of the same lot are bound.")
                                % {"plate": card.plate, "lot": card.lot_id.name})
            if card.state not in VALID_STATES:
                raise UserError(_("Only created or in-use cards are bound (%(plate)s).") % {"plate": card.plate})
            if card.plate_ids:
                raise UserError(_("%(plate)s has sub plates of its own: unbind them first.") % {"plate": card.plate})
        misaligned = cards.filtered(lambda c: c.rule_id != self.rule_id)
        if misaligned and len(cards) > 1:
            raise UserError(_("The rules of %(plates)s differ from %(rule)s: change them to the main card's rule "
                              "first, then bind.")
                            % {"plates": ", ".join(misaligned.mapped("plate")), "rule": self.rule_id.name})
        return misaligned

    def _get_bind_end(self, cards, now=None):
        """The validity of this card once ``cards`` are bound into it (stored datetime string)."""
        self.ensure_one()
        moment = fields.Datetime.from_string
        now = moment(now or fields.Datetime.now())
        parts = [(moment(card.date_start), moment(card.date_end), card._get_price_per_month(), card.spaces)
                 for card in self | cards]
        return fields.Datetime.to_string(bind_end(now, parts, self._get_price_per_month()))

    def _get_price_per_month(self):
        """The rule's price per space and month (a year card's over 12 months; 0 without a rule)."""
        self.ensure_one()
        if not self.rule_id:
            return Decimal(0)
        return self.rule_id._get_price() / self.rule_id._get_unit_months()

    def _bind_cards(self, cards, now=None):
        """(2)(3) 绑定月卡: other cards of the lot become sub plates of this one.

        Their spaces join this card's, their remaining validity is merged by value into this card's
        end (:func:`bind_end`), and each is cancelled: deleted at the vendor, kept read-only here,
        its plate now parking on this card. A single card of another rule takes this card's rule."""
        self.ensure_one()
        self._check_bindable()
        cards._check_can_push()
        misaligned = self._check_bind_cards(cards)
        new_end = self._get_bind_end(cards, now)
        spaces = self.spaces + sum(cards.mapped("spaces"))
        old_end = self.date_end
        for card in cards:
            if card in misaligned:
                old_rule = card.rule_id
                card.with_context(**{RULE_CHANGE_KEY: True}).write({"rule_id": self.rule_id.id})
                card.message_post(body=_("Rule aligned from %(old_rule)s to %(rule)s of the main card %(main)s.")
                                  % {"old_rule": old_rule.name or "-", "rule": self.rule_id.name,
                                     "main": self.plate})
            card.message_post(body=_("Bound into the card of %(main)s (valid until %(end)s before): the card is "
                                     "cancelled, its plate parks on the main card.")
                              % {"main": self.plate, "end": card.date_end})
            card.action_cancel_card()
        self.write({
            "date_end": new_end, "spaces": spaces,
            "inner_spaces": self.inner_spaces + sum(cards.mapped("inner_spaces")),
            "plate_ids": [(0, 0, {"plate": card.plate, "phone": card.phone, "bound_card_id": card.id,
                                  "bound_spaces": card.spaces}) for card in cards],
        })
        self.message_post(body=_("Bound %(plates)s: %(spaces)s spaces, valid until %(end)s instead of %(old_end)s.")
                          % {"plates": ", ".join(cards.mapped("plate")), "spaces": spaces, "end": new_end,
                             "old_end": old_end})
        self._push_if_synced()
        return True

    def _unbind_plates(self, plates, now=None):
        """多位多车解绑: the sub plates leave the card, their validity ending that day (§2.3.5 4).

        While the card lets cars in, each plate gets a card of its own until midnight (lot time, not
        past this card's end), which its driver may renew; spaces the plate brought leave with it.
        Returns those cards."""
        self.ensure_one()
        self._check_can_push()
        self._check_writable({"plate_ids": True})
        strangers = plates.filtered(lambda p: p.card_id != self)
        if strangers:
            raise UserError(_("%(plate)s is not a sub plate of %(card)s.")
                            % {"plate": strangers[0].plate, "card": self.plate})
        now = now or fields.Datetime.now()
        day_end = self._get_unbind_end(now)
        synced = self._is_synced()
        vals_list = [plate._prepare_unbound_card_vals(now, day_end) for plate in plates] if day_end else []
        spaces = max(self.spaces - sum(plates.mapped("bound_spaces")), 1)
        plate_names = ", ".join(plates.mapped("plate"))
        self.write({"plate_ids": [(2, plate.id) for plate in plates], "spaces": spaces,
                    "inner_spaces": min(self.inner_spaces, spaces)})
        new_cards = self.browse()
        for vals in vals_list:
            new_card = self.create(vals)
            new_card.message_post(body=_("Unbound from the card of %(main)s: valid until the end of the day.")
                                  % {"main": self.plate})
            new_cards |= new_card
        if day_end:
            self.message_post(body=_("Unbound %(plates)s: they park until %(end)s on cards of their own; "
                                     "%(spaces)s spaces left.")
                              % {"plates": plate_names, "end": day_end, "spaces": spaces})
        else:
            self.message_post(body=_("Unbound %(plates)s; %(spaces)s spaces left.")
                              % {"plates": plate_names, "spaces": spaces})
        self._push_if_synced()
        if synced:  # the vendor held the plates under this card: it gets their day cards
            new_cards._push_if_possible()
        return new_cards

    def _get_unbind_end(self, now):
        """The last second (stored UTC) of ``now``'s day at the lot, not past the card's end; None when
        the card does not let cars in at ``now`` (its plates get nothing to keep)."""
        self.ensure_one()
        if self.state not in VALID_STATES or not self.date_start <= now <= self.date_end:
            return None
        local_end = to_lot_time(now).replace(hour=23, minute=59, second=59, microsecond=0)
        end = min(fields.Datetime.to_string(from_lot_time(local_end)), self.date_end)
        return end if end > now else None

    def _swap_main_plate(self, sub):
        """更换主车牌: a sub plate becomes the main plate and the main plate a sub plate, with their
        drivers' mobiles; fees keep following the card."""
        self.ensure_one()
        self._check_can_push()
        self._check_writable({"plate": True})
        if sub.card_id != self:
            raise UserError(_("%(plate)s is not a sub plate of %(card)s.") % {"plate": sub.plate, "card": self.plate})
        old_plate, old_phone = self.plate, self.phone
        self.with_context(**{PLATE_SWAP_KEY: True}).write({"plate": sub.plate, "phone": sub.phone or old_phone})
        sub.with_context(**{PLATE_SWAP_KEY: True}).write({"plate": old_plate, "phone": old_phone})
        self._check_plate_conflicts()
        self.message_post(body=_("Main plate changed from %(old)s to %(new)s.") % {"old": old_plate,
                                                                                   "new": self.plate})
        self._push_if_synced()
        return True

    def _is_synced(self):
        """Whether the vendor holds (or is being sent) this card."""
        self.ensure_one()
        return bool(self.pushed_args) or (self.push_state == "pending" and self.push_operation == UPSERT)

    def _push_if_synced(self):
        """Send again the cards the vendor holds, after their plates or validity changed."""
        self.filtered(lambda c: c._is_synced())._push_if_possible()

    def _push_if_possible(self):
        for card in self:
            if card.state != "cancelled" and card.rule_id and card.lot_id._can_take_commands():
                card.action_push()

    # ------------------------------------------------------------ plate swap (§2.3.5 换车牌)
    @api.multi
    def action_open_plate_swap(self):
        self.ensure_one()
        self.env["ep.monthcard.plate.swap"]._check_swappable(self)
        return {
            "type": "ir.actions.act_window", "name": _("Swap Plates"), "res_model": "ep.monthcard.plate.swap.wizard",
            "view_mode": "form", "target": "new", "context": {"default_card_id": self.id},
        }

    @api.multi
    def action_view_plate_swaps(self):
        self.ensure_one()
        action = self.env.ref("ep_monthcard.ep_monthcard_plate_swap_action").read()[0]
        action["domain"] = ["|", ("card_id", "=", self.id), ("other_card_id", "=", self.id)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------ car lock (§2.3.5 锁车)
    @api.multi
    def action_lock(self):
        """锁车: the car's gate does not open until it is unlocked."""
        return self._send_lock_command("lock")

    @api.multi
    def action_unlock(self):
        return self._send_lock_command("unlock")

    @api.multi
    def action_lock_follow_lot(self):
        """跟随停车场锁车: the car is locked whenever the lot locks every car."""
        return self._send_lock_command("follow_lot")

    @api.multi
    def action_lock_never(self):
        """不想被锁车: the owner does not want the car locked."""
        return self._send_lock_command("never")

    @api.multi
    def action_read_lock_state(self):
        """读取状态: ask the lot for the car's lock state and lock records."""
        return self._send_lock_command("read")

    def _send_lock_command(self, operation):
        self._check_can_push()
        for card in self:
            if operation == "read" and card.state == "cancelled":
                raise UserError(_("The month card %(plate)s is cancelled: the lot no longer knows it.")
                                % {"plate": card.plate})
            if operation != "read" and card.state not in VALID_STATES:
                raise UserError(_("Only the car of a created or in-use card can be locked or unlocked (%(plate)s).")
                                % {"plate": card.plate})
        for card in self:
            # sudo: lot staff may command their cards' cars but not write the lot; the write access on
            # the card was checked above and the command carries only the card's plates.
            command = card.lot_id.sudo()._send_lot_command(LOCK_COMMANDS[operation],
                                                           card._prepare_lock_args(operation), origin=card)
            card.write({"lock_operation": operation, "lock_command_id": command.id,
                        "lock_command_state": "pending", "lock_message": False})
            card.message_post(body=_("%(operation)s sent to the lot.")
                              % {"operation": card._get_selection_label("lock_operation", operation)})
        return True

    def _get_selection_label(self, field_name, value):
        return dict(self._fields[field_name]._description_selection(self.env)).get(value, value)

    def _prepare_lock_args(self, operation):
        self.ensure_one()
        args = {"card_id": self.id, "plate": self.plate, "plates": [self.plate] + self.plate_ids.mapped("plate")}
        if operation in ("follow_lot", "never"):
            args["follow_lot"] = operation == "follow_lot"
        return args

    def _ep_device_command_done(self, command):
        if command.command not in LOCK_COMMANDS.values():
            return super()._ep_device_command_done(command)
        for card in self.filtered(lambda c: c.lock_command_id == command):  # the latest request decides
            vals = card._prepare_lock_result_vals(command)
            card.write(vals)
            if vals["lock_command_state"] == "failed":
                card.message_post(body=_("The lot did not apply %(command)s: %(message)s")
                                  % {"command": command.command, "message": vals["lock_message"]})
            elif vals["lock_command_state"] == "done":
                card.message_post(body=_("The lot answered %(command)s: the car is %(state)s; lock setting: "
                                         "%(policy)s.")
                                  % {"command": command.command,
                                     "state": card._get_selection_label("lock_state", card.lock_state),
                                     "policy": card._get_selection_label("lock_policy", card.lock_policy)})
        return None

    def _prepare_lock_result_vals(self, command):
        """What the lot's answer to a lock request changes on the card."""
        if command.state in ("queued", "sent"):  # resent from the outbox
            return {"lock_command_state": "pending", "lock_message": False}
        if command.state != "acked" or command.result_code != 0:
            return {"lock_command_state": "failed",
                    "lock_message": command.result_message or command.last_error or _("No answer from the lot.")}
        vals = {"lock_command_state": "done", "lock_message": command.result_message or _("OK")}
        operation = self.lock_operation
        if operation in ("lock", "unlock"):
            vals["lock_state"] = "locked" if operation == "lock" else "unlocked"
        elif operation in ("follow_lot", "never"):
            vals["lock_policy"] = operation
        elif operation == "read":
            vals.update(self._parse_lock_state(command.response))
            vals["lock_date"] = command.acked_at or fields.Datetime.now()
        return vals

    @api.model
    def _parse_lock_state(self, response):
        """The lot's answer to ``car_lock_state``: ``{"locked": bool, "follow_lot": bool (optional),
        "records": [{"time": ..., "action": "lock"|"unlock", "by": ...}, ...]}``."""
        try:
            data = json.loads(response or "{}")
        except ValueError:
            data = {}
        data = data if isinstance(data, dict) else {}
        locked = data.get("locked")
        vals = {"lock_state": "unknown" if not isinstance(locked, bool) else ("locked" if locked else "unlocked")}
        if isinstance(data.get("follow_lot"), bool):
            vals["lock_policy"] = "follow_lot" if data["follow_lot"] else "never"
        records = data.get("records") if isinstance(data.get("records"), list) else []
        vals["lock_records"] = "\n".join(
            " ".join(str(record.get(key) or "") for key in ("time", "action", "by")).strip()
            for record in records if isinstance(record, dict)) or False
        return vals

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

    # ------------------------------------------------------------ 查看本地 (§2.3.5): ask the vendor
    @api.multi
    def action_view_local(self):
        self.ensure_one()
        self._check_can_push()
        if not self.lot_id._can_take_commands():
            raise UserError(_("The lot %(lot)s has no local server or toll PC: its vendor cannot be asked about "
                              "%(plate)s.") % {"lot": self.lot_id.name, "plate": self.plate})
        record = self.env["ep.monthcard.comparison"].create({"lot_id": self.lot_id.id, "card_id": self.id})
        record.action_start()
        return record._action_open_form()

    # ------------------------------------------------------------ 到期提醒 (§2.3.5): remind by hand
    @api.multi
    def action_send_expiry_reminder(self, now=None):
        self.ensure_one()
        now = fields.Datetime.from_string(now or fields.Datetime.now())
        end = fields.Datetime.from_string(self.date_end)
        due = reminder.is_due(now, end, reminder.EXPIRING, MANUAL_REMINDER_WINDOW)
        if self.state not in VALID_STATES or not due:
            raise UserError(_("Only a valid card ending within %(days)s days can be reminded (%(plate)s ends on "
                              "%(end)s).") % {"days": reminder.WINDOW_DAYS[MANUAL_REMINDER_WINDOW], "plate": self.plate,
                                             "end": self.date_end})
        Reminder = self.env["ep.monthcard.reminder"]
        sms = self.env.ref("ep_monthcard.reminder_channel_sms")
        rule = self.env["ep.monthcard.reminder.setting"]._get_lot_rules(self.lot_id)[self.lot_id.id]
        sms_ad = bool(rule and rule[2])
        # sudo: the log is written by the reminder engine only (staff read it)
        log = Reminder.sudo()._remind(self, sms, reminder.EXPIRING, sms_ad, now)
        if not log:
            raise UserError(_("%(plate)s was already reminded of this end date.") % {"plate": self.plate})
        if log.state == "failed":
            raise UserError(_("The reminder to %(plate)s failed: %(error)s") % {"plate": self.plate,
                                                                               "error": log.error})
        # sudo: operators (who read cards only) may send the reminder; the note keeps them as author
        self.sudo().message_post(body=_("Expiry reminder sent: %(text)s") % {"text": log.text},
                                 author_id=self.env.user.partner_id.id)
        return True
