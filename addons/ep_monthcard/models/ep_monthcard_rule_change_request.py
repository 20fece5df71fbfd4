from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..lib import billing
from .ep_monthcard import RULE_CHANGE_KEY

# What a closed request still lets change: its chatter.
FINAL_WRITABLE_PREFIXES = ("message_", "activity_", "website_message")


class EpMonthcardRuleChangeRequest(models.Model):
    """A request to move a card to a cheaper rule (换规则申请, seed 000 §2.3.5).

    A dearer rule applies at once (the card's validity shrinks by the price ratio); a cheaper
    one only once operations approved a request of the lot staff, with the owner's proof (a
    space's title deed, ...). On approval the card follows the new rule; its validity is
    extended when the owner wants it ("若车主有需求就更改（延长）有效期"): by default to the
    value-preserving end (``billing.rule_change_end`` at the approval), which the approver may
    move later still; otherwise it is kept.
    """

    _name = "ep.monthcard.rule.change.request"
    _description = "Month Card Rule Change Request"
    _inherit = ["ep.approval.mixin"]
    _order = "id desc"

    card_id = fields.Many2one("ep.monthcard", string="Month Card", required=True, index=True, ondelete="cascade",
                              readonly=True, states={"draft": [("readonly", False)]})
    # Plain fields set from the card at create (the region record rules read lot_id).
    lot_id = fields.Many2one("ep.parking.lot", required=True, index=True, readonly=True, ondelete="restrict")
    region_id = fields.Many2one(related="lot_id.region_id", store=True, readonly=True)
    currency_id = fields.Many2one(related="lot_id.currency_id", readonly=True)
    plate = fields.Char(related="card_id.plate", store=True, readonly=True)
    old_rule_id = fields.Many2one("ep.monthcard.rule", string="Current Rule", required=True, readonly=True,
                                  ondelete="restrict")
    new_rule_id = fields.Many2one("ep.monthcard.rule", required=True, ondelete="restrict",
                                  readonly=True, states={"draft": [("readonly", False)]},
                                  domain="[('lot_id', '=', lot_id), ('state', '=', 'active')]")
    date_end_before = fields.Datetime(string="Valid Until Before", readonly=True,
                                      help="The card's end when the request was made.")
    proposed_end = fields.Datetime(string="Value-preserving End", compute="_compute_proposed_end",
                                   help="The end that keeps the paid value at the new price, counted from now.")
    extend_validity = fields.Boolean(
        default=True, track_visibility="onchange",
        help="The owner wants the validity extended (to the value-preserving end unless the approver sets "
             "another); off: the card keeps its end.")
    new_date_end = fields.Datetime(
        string="Approved End", track_visibility="onchange",
        help="The end the approver grants instead of the value-preserving one (never before the card's "
             "end). Empty: the value-preserving end at the approval.")
    applied_end = fields.Datetime(string="Valid Until After", readonly=True, copy=False)
    reason = fields.Text(required=True, readonly=True, states={"draft": [("readonly", False)]})
    proof = fields.Binary(attachment=True, copy=False, readonly=True, states={"draft": [("readonly", False)]},
                          help="The owner's proof, e.g. the space's title deed (车位产权证明).")
    proof_name = fields.Char(string="Proof File", copy=False)

    @api.multi
    def name_get(self):
        return [(req.id, _("%(plate)s: %(old)s → %(new)s") % {"plate": req.card_id.plate or "",
                                                             "old": req.old_rule_id.name or "",
                                                             "new": req.new_rule_id.name or ""})
                for req in self]

    @api.depends("card_id.date_end", "old_rule_id", "new_rule_id")
    def _compute_proposed_end(self):
        now = fields.Datetime.from_string(fields.Datetime.now())
        for req in self:
            req.proposed_end = req._get_value_end(now)

    def _get_value_end(self, now):
        """The value-preserving end at ``now`` (string), or the card's end when it cannot be priced."""
        card = self.card_id
        if not card or not self.new_rule_id or not self.old_rule_id:
            return card.date_end
        old_fee, new_fee = self._get_fees()
        try:
            end = billing.rule_change_end(now, fields.Datetime.from_string(card.date_end), old_fee, new_fee)
        except billing.BillingError:
            return card.date_end
        return fields.Datetime.to_string(end)

    def _get_fees(self):
        """The old and new fee over the same stretch of time, as the card compares them."""
        old, new = self.old_rule_id, self.new_rule_id
        spaces = self.card_id.spaces
        return (old._get_price() * spaces * new._get_unit_months(),
                new._get_price() * spaces * old._get_unit_months())

    # ------------------------------------------------------------ CRUD
    @api.model
    def create(self, vals):
        if vals.get("card_id"):
            card = self.env["ep.monthcard"].browse(vals["card_id"])
            vals = dict(vals, lot_id=card.lot_id.id, old_rule_id=card.rule_id.id, date_end_before=card.date_end)
        return super().create(vals)

    @api.multi
    def write(self, vals):
        final = self.filtered(lambda req: req.approval_state in ("approved", "rejected"))
        if final and [name for name in vals if not name.startswith(FINAL_WRITABLE_PREFIXES)]:
            raise UserError(_("The rule change request of %(plate)s is closed: it can no longer be changed.")
                            % {"plate": final[0].plate})
        if "card_id" in vals:
            card = self.env["ep.monthcard"].browse(vals["card_id"])
            vals = dict(vals, lot_id=card.lot_id.id, old_rule_id=card.rule_id.id, date_end_before=card.date_end)
        return super().write(vals)

    @api.model
    def _get_under_validation_exceptions(self):
        return super()._get_under_validation_exceptions() + ["extend_validity", "new_date_end", "applied_end"]

    @api.model
    def _create_request(self, card, new_rule, reason=None, extend_validity=True, proof=None, proof_name=None):
        """A draft request moving ``card`` to the cheaper ``new_rule``."""
        return self.create({
            "card_id": card.id, "new_rule_id": new_rule.id, "extend_validity": extend_validity,
            "reason": (reason or "").strip() or _("Change to the cheaper rule %(rule)s.") % {"rule": new_rule.name},
            "proof": proof or False, "proof_name": proof_name or False,
        })

    def _get_form_action(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "name": _("Rule Change Request"), "res_model": self._name,
                "res_id": self.id, "view_mode": "form", "target": "current"}

    # ------------------------------------------------------------ checks
    @api.constrains("card_id", "new_rule_id")
    def _check_rules(self):
        for req in self:
            card, new_rule = req.card_id, req.new_rule_id
            if new_rule.lot_id != card.lot_id:
                raise ValidationError(_("A card moves only to another rule of its own lot %(lot)s.")
                                      % {"lot": card.lot_id.name})
            if req.approval_state != "draft":
                continue
            if not req.old_rule_id:
                raise ValidationError(_("The card %(plate)s has no rule yet: set it on the card.")
                                      % {"plate": card.plate})
            if new_rule == req.old_rule_id:
                raise ValidationError(_("The card %(plate)s already follows %(rule)s.")
                                      % {"plate": card.plate, "rule": new_rule.name})
            old_fee, new_fee = req._get_fees()
            if new_fee >= old_fee:
                raise ValidationError(_("%(rule)s is not cheaper than %(old)s: change the card's rule directly.")
                                      % {"rule": new_rule.name, "old": req.old_rule_id.name})

    @api.constrains("new_date_end", "card_id")
    def _check_new_date_end(self):
        for req in self.filtered("new_date_end"):
            if req.new_date_end < req.card_id.date_end:
                raise ValidationError(_("The approved end may extend the card's validity, not shorten it "
                                        "(it ends %(end)s).") % {"end": req.card_id.date_end})

    def _check_submit(self):
        self.ensure_one()
        result = super()._check_submit()
        self._check_card_unchanged()
        if self.search_count([("card_id", "=", self.card_id.id), ("approval_state", "=", "to_approve"),
                              ("id", "!=", self.id)]):
            raise UserError(_("The card %(plate)s already has a rule change request waiting for approval.")
                            % {"plate": self.card_id.plate})
        return result

    def _check_approve(self):
        self.ensure_one()
        result = super()._check_approve()
        self._check_card_unchanged()
        if self.new_rule_id.state != "active":
            raise UserError(_("The rule %(rule)s is forbidden.") % {"rule": self.new_rule_id.name})
        if self.extend_validity and self.new_date_end and self.new_date_end < self.card_id.date_end:
            raise UserError(_("The approved end may extend the card's validity, not shorten it "
                              "(it ends %(end)s).") % {"end": self.card_id.date_end})
        return result

    def _check_card_unchanged(self):
        card = self.card_id
        if card.state == "cancelled":
            raise UserError(_("The month card %(plate)s is cancelled: it can no longer be changed.")
                            % {"plate": card.plate})
        if card.rule_id != self.old_rule_id:
            raise UserError(_("The card %(plate)s changed rule since the request: reject it and ask again.")
                            % {"plate": card.plate})

    # ------------------------------------------------------------ approval
    def _get_approved_end(self, now=None):
        """The card's end after the change (string)."""
        self.ensure_one()
        end = self.card_id.date_end
        if not self.extend_validity:
            return end
        if self.new_date_end:
            return self.new_date_end
        return max(end, self._get_value_end(fields.Datetime.from_string(now or fields.Datetime.now())))

    def _on_approved(self):
        """Move the card to the new rule with the approved end."""
        self.ensure_one()
        result = super()._on_approved()
        card = self.card_id
        old_end = card.date_end
        new_end = self._get_approved_end()
        card.with_context(**{RULE_CHANGE_KEY: True}).write({"rule_id": self.new_rule_id.id, "date_end": new_end})
        # past write(): the request is approved (closed) already; this records its outcome
        super(EpMonthcardRuleChangeRequest, self).write({"applied_end": new_end})  # pylint: disable=super-method-mismatch
        card.message_post(body=_("Rule changed from %(old_rule)s to %(new_rule)s (request approved): valid until "
                                 "%(new_end)s instead of %(old_end)s.")
                          % {"old_rule": self.old_rule_id.name, "new_rule": self.new_rule_id.name,
                             "new_end": new_end, "old_end": old_end})
        return result
