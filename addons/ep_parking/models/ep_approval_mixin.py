from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

APPROVAL_STATES = [
    ("draft", "Draft"),
    ("to_approve", "Waiting Approval"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
]


class EpApprovalMixin(models.AbstractModel):
    """A request managers approve (seed 000 §2.7), on OCA ``base_tier_validation``.

    The tiers (who reviews, in which order) are ``tier.definition`` records of the model.
    ``action_submit`` moves a draft to "waiting approval" and creates the reviews;
    ``action_approve`` / ``action_reject`` record the current user's review. When every
    tier approved, the request is approved and :meth:`_on_approved` runs (in the same
    transaction, so an error there keeps the request waiting); a rejection ends the request
    and runs :meth:`_on_rejected`. Models add their own fields and override the two hooks;
    fields staff may still fill while the request waits (the approver's choices) go in
    :meth:`_get_under_validation_exceptions`.
    """

    _name = "ep.approval.mixin"
    _description = "EP Approval Request"
    _inherit = ["tier.validation", "mail.thread"]
    _state_field = "approval_state"
    _state_from = ["to_approve"]
    _state_to = ["approved"]
    _cancel_state = "rejected"

    approval_state = fields.Selection(APPROVAL_STATES, string="Approval", required=True, default="draft",
                                      copy=False, index=True, readonly=True, track_visibility="onchange")
    requested_by = fields.Many2one("res.users", readonly=True, copy=False)
    requested_at = fields.Datetime(readonly=True, copy=False)
    approved_by = fields.Many2one("res.users", readonly=True, copy=False)
    approved_at = fields.Datetime(readonly=True, copy=False)
    reject_reason = fields.Text(readonly=True, copy=False)

    @api.model
    def _get_under_validation_exceptions(self):
        return super()._get_under_validation_exceptions() + [
            "approved_by", "approved_at", "reject_reason", "message_main_attachment_id"]

    # ------------------------------------------------------------ actions
    @api.multi
    def action_submit(self):
        """发起: ask the reviewers of the model's tiers (an error when none is defined)."""
        for rec in self:
            if rec.approval_state != "draft":
                raise UserError(_("Only a draft request can be submitted (%(name)s).") % {"name": rec.display_name})
            rec._check_submit()
        self.write({"approval_state": "to_approve", "requested_by": self.env.uid,
                    "requested_at": fields.Datetime.now()})
        for rec in self:
            # sudo: requesters (portal owners, lot staff) start the reviews; tier.review and
            # tier.definition are the approval engine's own bookkeeping.
            reviews = rec.sudo().with_context(ep_approval_requester=self.env.uid).request_validation()
            if not reviews:
                raise UserError(_("No approval tier applies to %(name)s: an administrator must define one "
                                  "(Settings > Technical > Tier Definition).") % {"name": rec.display_name})
            reviews.write({"requested_by": self.env.uid})
        return True

    def _check_submit(self):
        """Hook: refuse a submission that cannot be approved (UserError)."""

    @api.multi
    def action_approve(self):
        """通过: approve the current user's tier; the last approval runs :meth:`_on_approved`."""
        self._check_reviewer()
        for rec in self:
            rec.validate_tier()
            if rec.validated:
                rec.write({"approval_state": "approved", "approved_by": self.env.uid,
                           "approved_at": fields.Datetime.now()})
                rec._on_approved()
        return True

    @api.multi
    def action_reject(self, reason=None):
        """拒绝: reject with a reason; the request ends and :meth:`_on_rejected` runs."""
        if not (reason or "").strip():
            raise UserError(_("Give a reason for the rejection."))
        self._check_reviewer()
        for rec in self:
            rec.reject_tier()
            rec.write({"approval_state": "rejected", "reject_reason": reason.strip()})
            rec.message_post(body=_("Rejected: %(reason)s") % {"reason": reason.strip()})
            rec._on_rejected()
        return True

    @api.multi
    def action_open_reject(self):
        return {
            "type": "ir.actions.act_window", "name": _("Reject"), "res_model": "ep.approval.reject",
            "view_mode": "form", "target": "new",
            "context": {"default_res_model": self._name, "default_res_ids": ",".join(map(str, self.ids))},
        }

    def _check_reviewer(self):
        for rec in self:
            if rec.approval_state != "to_approve":
                raise UserError(_("%(name)s is not waiting for approval.") % {"name": rec.display_name})
            if not rec.can_review:
                raise AccessError(_("You are not a reviewer of %(name)s at this step.") % {"name": rec.display_name})

    # ------------------------------------------------------------ hooks
    def _on_approved(self):
        """Hook: what an approved request does (runs as the last approver)."""

    def _on_rejected(self):
        """Hook: what a rejected request does."""
