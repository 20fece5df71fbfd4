import json

from odoo import _, api, fields, models
from odoo.addons.ep_parking.models.ep_parking_tariff import monetary_to_decimal, to_lot_time
from odoo.exceptions import UserError, ValidationError

RULE_STATES = [("active", "Active"), ("forbidden", "Forbidden")]
RULE_TYPES = [("month", "Month Card"), ("year", "Year Card")]
UNIT_MONTHS = {"month": 1, "year": 12}
# What the vendor holds of a rule or card: the bridge's JSON of the last acknowledged args.
PUSH_FIELDS = ("push_state", "push_operation", "push_command_id", "push_message", "push_date", "pushed_args")


def args_json(args):
    """``args`` as the bridge stores a command's arguments (so they compare as text)."""
    return json.dumps(args, ensure_ascii=False, sort_keys=True)


class EpMonthcardPushMixin(models.AbstractModel):
    """A record the lot's vendor keeps a copy of (month-card rules and cards).

    ``_push(command, args)`` queues a bridge command to the lot's local server; the push fields
    and the bridge's answer are ep_parking's push mixin (as on black/white list entries).
    ``pushed_args`` keeps what the vendor acknowledged last, so ``push_outdated`` tells when the
    platform changed since.
    """

    _name = "ep.monthcard.push.mixin"
    _inherit = "ep.parking.push.mixin"
    _description = "Month Card Data Pushed to the Lot's Vendor"

    push_operation = fields.Char(string="Last Push", readonly=True, copy=False)
    pushed_args = fields.Text(string="Vendor Holds", readonly=True, copy=False,
                              help="What the vendor acknowledged last (empty: it holds nothing).")
    push_outdated = fields.Boolean(compute="_compute_push_outdated",
                                   help="Changed since the vendor took it: send it again.")

    def _compute_push_outdated(self):
        for record in self:
            record.push_outdated = bool(record.pushed_args) and \
                args_json(record._prepare_push_args()) != record.pushed_args

    def _prepare_push_args(self):
        """The data the vendor gets with the upsert command."""
        raise NotImplementedError

    def _get_delete_commands(self):
        """Commands after whose ack the vendor holds nothing of the record."""
        return ()

    def _check_can_push(self):
        # Pushing changes the record: only who may write it may push it.
        self.check_access_rights("write")
        self.check_access_rule("write")

    def _push(self, command, args):
        """Queue ``command`` with ``args`` for the lot's local server; returns the command."""
        self.ensure_one()
        # sudo: lot staff may push cards and rules but neither write the lot nor the device
        # outbox; callers checked they may write this record, and the command only carries its data.
        sent = self.lot_id.sudo()._send_lot_command(command, args, origin=self)
        self.write(dict(self._prepare_push_sent_vals(sent), push_operation=command))
        self.message_post(body=_("%(command)s sent to the lot.") % {"command": command})
        return sent

    def _prepare_push_result_vals(self, command):
        vals = super()._prepare_push_result_vals(command)
        if vals["push_state"] == "sent":
            vals["pushed_args"] = False if command.command in self._get_delete_commands() else command.args
        return vals


class EpMonthcardRule(models.Model):
    """A month-card charging rule of a lot (月卡规则, seed 000 §2.3.2).

    Operators enter the lot's rules once the lot is equipped and push each to the lot's
    vendor ("下发"). Cards follow a rule: its price per month (or per year for year cards)
    times the card's spaces is what the holder pays (§2.3.6 A). A forbidden rule's cards
    cannot be paid; its channels and purchase deadline restrict payments (§2.3.8 B c).
    The record id is the "Rule ID" the card import refers to.
    """

    _name = "ep.monthcard.rule"
    _description = "Month Card Rule"
    _inherit = ["ep.monthcard.push.mixin", "mail.thread"]
    _order = "lot_id, id"

    name = fields.Char(required=True, track_visibility="onchange", help="E.g. 地库 200, 地面 100.")
    lot_id = fields.Many2one("ep.parking.lot", required=True, index=True, ondelete="restrict",
                             track_visibility="onchange")
    region_id = fields.Many2one(related="lot_id.region_id", store=True, readonly=True)
    currency_id = fields.Many2one(related="lot_id.currency_id", readonly=True)
    vehicle_kind = fields.Selection(
        [("small", "Small Car"), ("medium", "Medium Car"), ("large", "Large Car"), ("extra", "Extra Large")],
        required=True, default="small", track_visibility="onchange")
    device_ids = fields.Many2many(
        "ep.device", string="Gates",
        help="The gates the cards of this rule may pass; none: every gate of the lot.")
    rule_type = fields.Selection(RULE_TYPES, required=True, default="month", track_visibility="onchange")
    channel_ids = fields.Many2many(
        "ep.parking.payment.method", string="Payment Channels",
        help="Channels that may pay the cards of this rule (default: every channel of the lot taking month "
             "cards); none: no restriction beyond the lot's.")
    lot_payment_method_ids = fields.Many2many(related="lot_id.payment_method_ids", readonly=True)
    min_purchase = fields.Integer(string="Minimum Purchase", required=True, default=1,
                                  track_visibility="onchange",
                                  help="Months (or years for year cards) a payment buys at least.")
    purchase_deadline = fields.Date(
        track_visibility="onchange",
        help="The latest validity a purchase may reach (e.g. before a price rise); empty: unlimited.")
    price = fields.Monetary(required=True, track_visibility="onchange",
                            help="Per space and month, or per space and year for year cards.")
    state = fields.Selection(RULE_STATES, required=True, default="active", index=True, copy=False,
                             track_visibility="onchange",
                             help="Forbidden: the cards of this rule cannot be paid.")
    card_ids = fields.One2many("ep.monthcard", "rule_id", string="Cards", readonly=True)
    card_count = fields.Integer(compute="_compute_card_count")
    note = fields.Text()

    # ------------------------------------------------------------ computes
    @api.depends("name", "lot_id", "vehicle_kind", "device_ids.code", "rule_type", "min_purchase",
                 "purchase_deadline", "price", "state", "pushed_args")
    def _compute_push_outdated(self):
        return super()._compute_push_outdated()

    def _compute_card_count(self):
        counts = dict((row["rule_id"][0], row["rule_id_count"]) for row in self.env["ep.monthcard"].read_group(
            [("rule_id", "in", self.ids)], ["rule_id"], ["rule_id"]))
        for rule in self:
            rule.card_count = counts.get(rule.id, 0)

    @api.multi
    def name_get(self):
        return [(rule.id, "%s · %s" % (rule.name, rule.lot_id.code or "")) for rule in self]

    # ------------------------------------------------------------ constraints and onchanges
    @api.constrains("min_purchase", "price")
    def _check_amounts(self):
        for rule in self:
            if rule.min_purchase < 1:
                raise ValidationError(_("The minimum purchase of %(rule)s must be at least 1.") % {"rule": rule.name})
            if rule.price < 0:
                raise ValidationError(_("The price of %(rule)s cannot be negative.") % {"rule": rule.name})

    @api.constrains("lot_id", "device_ids")
    def _check_devices(self):
        for rule in self:
            strangers = rule.device_ids.filtered(lambda d, lot=rule.lot_id: d.lot_id != lot or d.kind != "gate")
            if strangers:
                raise ValidationError(_("%(device)s is not a gate of %(lot)s.")
                                      % {"device": strangers[0].display_name, "lot": rule.lot_id.name})

    @api.constrains("lot_id", "channel_ids")
    def _check_channels(self):
        for rule in self:
            strangers = rule.channel_ids - rule.lot_id.payment_method_ids
            if strangers:
                raise ValidationError(_("The lot %(lot)s does not accept %(channel)s.")
                                      % {"lot": rule.lot_id.name, "channel": strangers[0].name})

    @api.constrains("lot_id")
    def _check_card_lots(self):
        for rule in self:
            # sudo: a rule's lot must match every card of it, including cards the user may not see.
            if rule.sudo().card_ids.filtered(lambda c, lot=rule.lot_id: c.lot_id != lot):
                raise ValidationError(_("The rule %(rule)s has cards at its lot: it cannot move to another lot.")
                                      % {"rule": rule.name})

    @api.onchange("lot_id")
    def _onchange_lot_id(self):
        self.channel_ids = self._get_default_channels(self.lot_id)
        self.device_ids = self.device_ids.filtered(lambda d: d.lot_id == self.lot_id)

    @api.model
    def _get_default_channels(self, lot):
        """§2.3.2 缴费渠道: every channel of the lot that takes month cards."""
        return lot.payment_method_ids.filtered(lambda c: c._accepts_kind("month_card"))

    # ------------------------------------------------------------ CRUD
    @api.model
    def create(self, vals):
        if "channel_ids" not in vals and vals.get("lot_id"):
            lot = self.env["ep.parking.lot"].browse(vals["lot_id"])
            vals = dict(vals, channel_ids=[(6, 0, self._get_default_channels(lot).ids)])
        return super().create(vals)

    # ------------------------------------------------------------ actions
    @api.multi
    def action_forbid(self):
        """禁止: the cards of the rule can no longer be paid."""
        if self.filtered(lambda r: r.state != "active"):
            raise UserError(_("Only an active rule can be forbidden."))
        return self.write({"state": "forbidden"})

    @api.multi
    def action_activate(self):
        if self.filtered(lambda r: r.state != "forbidden"):
            raise UserError(_("Only a forbidden rule can be activated."))
        return self.write({"state": "active"})

    @api.multi
    def action_push(self):
        """下发: send the rule to the lot's vendor; result 0 means it took it."""
        self._check_can_push()
        for rule in self:
            rule._push("monthcard_rule", rule._prepare_push_args())
        return True

    @api.multi
    def action_view_cards(self):
        self.ensure_one()
        action = self.env.ref("ep_monthcard.ep_monthcard_action").read()[0]
        action["domain"] = [("rule_id", "=", self.id)]
        action["context"] = {"default_rule_id": self.id, "default_lot_id": self.lot_id.id}
        return action

    # ------------------------------------------------------------ business methods
    def _prepare_push_args(self):
        self.ensure_one()
        return {
            "rule_id": self.id, "name": self.name, "vehicle_kind": self.vehicle_kind, "rule_type": self.rule_type,
            "devices": sorted(self.device_ids.mapped("code")), "price": str(self._get_price()),
            "min_purchase": self.min_purchase, "purchase_deadline": self.purchase_deadline or None,
            "state": self.state,
        }

    def _get_price(self):
        """The price per space and unit (month, or year for year cards) as a Decimal."""
        self.ensure_one()
        return monetary_to_decimal(self.price)

    def _get_unit_months(self):
        """How many months one unit of the price buys: 1 for month cards, 12 for year cards."""
        self.ensure_one()
        return UNIT_MONTHS[self.rule_type]

    def _check_payable(self, card, channel=None, new_end=None):
        """§2.3.8 B c: may ``card`` of this rule be paid through ``channel``, up to ``new_end``
        (a stored UTC datetime string, when known)? Raises a UserError saying why not."""
        self.ensure_one()
        if self.state != "active":
            raise UserError(_("The month-card rule %(rule)s is forbidden: its cards cannot be paid.")
                            % {"rule": self.name})
        if channel and self.channel_ids and channel not in self.channel_ids:
            raise UserError(_("The month-card rule %(rule)s cannot be paid through %(channel)s.")
                            % {"rule": self.name, "channel": channel.name})
        if self.purchase_deadline:
            deadline = fields.Date.from_string(self.purchase_deadline)
            if to_lot_time(card.date_end).date() >= deadline:
                raise UserError(_("The month card %(plate)s is already valid until the rule's purchase deadline "
                                  "%(deadline)s: it cannot be paid further.")
                                % {"plate": card.plate, "deadline": self.purchase_deadline})
            if new_end and to_lot_time(new_end).date() > deadline:
                raise UserError(_("The rule %(rule)s sells validity up to %(deadline)s only.")
                                % {"rule": self.name, "deadline": self.purchase_deadline})
