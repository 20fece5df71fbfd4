from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib import billing


class EpMonthcardRuleChange(models.TransientModel):
    """Move a card to another rule of its lot (月卡换规则, seed 000 §2.3.5), showing the new end first."""

    _name = "ep.monthcard.rule.change"
    _description = "Change a Month Card's Rule"

    card_id = fields.Many2one("ep.monthcard", string="Month Card", required=True, readonly=True, ondelete="cascade")
    lot_id = fields.Many2one(related="card_id.lot_id", readonly=True)
    currency_id = fields.Many2one(related="card_id.currency_id", readonly=True)
    rule_id = fields.Many2one(related="card_id.rule_id", string="Current Rule", readonly=True)
    new_rule_id = fields.Many2one("ep.monthcard.rule", required=True, ondelete="cascade")
    date_end = fields.Datetime(related="card_id.date_end", string="Valid Until", readonly=True)
    new_date_end = fields.Datetime(string="New Valid Until", compute="_compute_preview")
    cheaper = fields.Boolean(compute="_compute_preview")
    # a cheaper rule needs an approved request (换规则申请): what it asks
    reason = fields.Text(help="Why the card moves to a cheaper rule (asked when it does).")
    extend_validity = fields.Boolean(
        default=True,
        help="The owner wants the validity extended to keep the paid value at the new price; off: the card "
             "keeps its end.")
    proof = fields.Binary(help="The owner's proof, e.g. the space's title deed (车位产权证明).")
    proof_name = fields.Char(string="Proof File")

    @api.depends("card_id", "new_rule_id")
    def _compute_preview(self):
        now = fields.Datetime.from_string(fields.Datetime.now())
        for wizard in self:
            card, new_rule = wizard.card_id, wizard.new_rule_id
            wizard.cheaper = False
            if not card.rule_id or not new_rule:
                wizard.new_date_end = card.date_end
                continue
            old_fee, new_fee = card._get_rule_change_fees(new_rule)
            wizard.cheaper = new_fee < old_fee
            if not new_fee:
                wizard.new_date_end = card.date_end
                continue
            try:
                wizard.new_date_end = fields.Datetime.to_string(
                    billing.rule_change_end(now, fields.Datetime.from_string(card.date_end), old_fee, new_fee))
            except billing.BillingError:
                wizard.new_date_end = card.date_end

    @api.multi
    def action_apply(self):
        self.ensure_one()
        if not self.card_id:
            raise UserError(_("Choose the month card to change."))
        if self.cheaper:
            return self.action_request()
        self.card_id.action_change_rule(self.new_rule_id)
        return {"type": "ir.actions.act_window_close"}

    @api.multi
    def action_request(self):
        """To a cheaper rule: create and submit the request operations approve; open it."""
        self.ensure_one()
        card = self.card_id
        card._check_rule_change(self.new_rule_id)
        if not self.cheaper:
            raise UserError(_("%(rule)s is not cheaper: change the rule directly.") % {"rule": self.new_rule_id.name})
        if not (self.reason or "").strip():
            raise UserError(_("Give the reason of the change to a cheaper rule."))
        request = self.env["ep.monthcard.rule.change.request"]._create_request(
            card, self.new_rule_id, reason=self.reason, extend_validity=self.extend_validity,
            proof=self.proof, proof_name=self.proof_name)
        request.action_submit()
        return request._get_form_action()
