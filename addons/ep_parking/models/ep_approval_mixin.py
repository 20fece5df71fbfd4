from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, UserError

APPROVAL_STATES = [
    ("draft", "Not Submitted"),
    ("to_approve", "Waiting Approval"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
]
# The moves approval_state may make; approved and rejected are final.
APPROVAL_TRANSITIONS = {
    "draft": ("to_approve",),
    "to_approve": ("approved", "rejected"),
    "approved": (),
    "rejected": (),
}


class EpApprovalMixin(models.AbstractModel):
    """A request managers approve (seed 000 §2.7), on OCA ``base_tier_validation``.

    The tiers (who reviews, in which order) are ``tier.definition`` records of the model.
    ``action_submit`` moves a draft to "waiting approval" and creates the reviews, one level
    per tier, lowest tier sequence first (§2.7.1: 一级一级往下审批): only the reviewers of the
    first level still pending may approve or reject. ``action_approve`` / ``action_reject``
    record the current user's review. When every level approved, the request is approved and
    :meth:`_on_approved` runs (in the same transaction, so an error there keeps the request
    waiting); a rejection at any level ends the request and runs :meth:`_on_rejected`.

    Models add their own fields and override the hooks (:meth:`_check_submit`,
    :meth:`_check_approve`, :meth:`_on_approved`, :meth:`_on_rejected`); fields staff may
    still fill while the request waits (the approver's choices) go in
    :meth:`_get_under_validation_exceptions`. ``approval_state`` moves only forward
    (draft → waiting → approved | rejected), approved only once every review approved and
    rejected only after a rejected review, whoever writes it.
    """

    _name = "ep.approval.mixin"
    _description = "EP Approval Request"
    _inherit = ["tier.validation", "mail.thread", "mail.activity.mixin"]
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
    can_review = fields.Boolean(compute="_compute_can_review", search="_search_can_review",
                                help="The current user reviews the level the request waits at.")

    @api.model
    def _get_under_validation_exceptions(self):
        return super()._get_under_validation_exceptions() + [
            "approved_by", "approved_at", "reject_reason", "message_last_post"]

    # ------------------------------------------------------------ levels
    def _get_current_reviews(self):
        """The pending reviews of the level the request waits at (the lowest pending sequence)."""
        self.ensure_one()
        pending = self.review_ids.filtered(lambda review: review.status == "pending")
        if not pending:
            return pending
        level = min(pending.mapped("sequence"))
        return pending.filtered(lambda review: review.sequence == level)

    @api.multi
    def _compute_can_review(self):
        for rec in self:
            rec.can_review = rec.approval_state == "to_approve" and \
                self.env.user in rec._get_current_reviews().mapped("reviewer_ids")

    @api.model
    def _search_can_review(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(_("Unsupported search on %(field)s.") % {"field": "can_review"})
        reviews = self.env["tier.review"].search([("model", "=", self._name), ("status", "=", "pending"),
                                                  ("reviewer_ids", "in", self.env.uid)])
        # search, not browse: record rules first (reading a record out of reach would raise)
        candidates = self.search([("id", "in", list(set(reviews.mapped("res_id")))),
                                  ("approval_state", "=", "to_approve")])
        ids = candidates.filtered("can_review").ids
        positive = (operator == "=") == bool(value)
        return [("id", "in" if positive else "not in", ids)]

    def _invalidate_reviews(self):
        """Forget the cached reviews of the requests: tier.review points back by a plain integer, so
        creating or answering reviews does not refresh ``review_ids`` and what is computed from it."""
        self.invalidate_cache(["review_ids", "review_ids_dropdown", "validated", "rejected", "need_validation",
                               "reviewer_ids", "can_review"], self.ids)

    def _validate_tier(self, tiers=False):
        """Approve the current user's reviews of the current level only."""
        self.ensure_one()
        return super()._validate_tier(tiers or self._get_current_reviews())

    # ------------------------------------------------------------ guards
    @api.multi
    def write(self, vals):
        if "approval_state" in vals:
            self._check_approval_transition(vals["approval_state"])
        return super().write(vals)

    def _check_approval_transition(self, state):
        labels = dict(APPROVAL_STATES)
        self._invalidate_reviews()
        for rec in self:
            if rec.approval_state == state:
                continue
            allowed = state in APPROVAL_TRANSITIONS[rec.approval_state]
            if allowed and state == "approved":
                allowed = self._calc_reviews_validated(rec.review_ids)
            elif allowed and state == "rejected":
                allowed = self._calc_reviews_rejected(rec.review_ids)
            if not allowed:
                raise UserError(_("%(name)s cannot go from %(from)s to %(to)s.")
                                % {"name": rec.display_name, "from": labels[rec.approval_state],
                                   "to": labels.get(state, state)})

    # ------------------------------------------------------------ actions
    @api.multi
    def action_submit(self):
        """发起: ask the reviewers of the model's tiers (an error when none is defined)."""
        for rec in self:
            if rec.approval_state != "draft":
                raise UserError(_("Only a draft request can be submitted (%(name)s).") % {"name": rec.display_name})
            rec._check_submit()
        for rec in self:
            requester = rec._get_requester()
            rec.write({"approval_state": "to_approve", "requested_by": requester.id,
                       "requested_at": fields.Datetime.now()})
            # sudo: requesters (portal owners, lot staff) start the reviews; tier.review and
            # tier.definition are the approval engine's own bookkeeping.
            reviews = rec.sudo().request_validation()
            if not reviews:
                raise UserError(_("No approval process applies to %(name)s: a manager must enable one "
                                  "(Approvals > Approval Processes).") % {"name": rec.display_name})
            # one level per tier, lowest tier sequence first
            ordered = reviews.sorted(lambda review: (review.definition_id.sequence, review.definition_id.id))
            for level, review in enumerate(ordered, 1):
                review.write({"sequence": level, "requested_by": requester.id})
        self._invalidate_reviews()
        self._notify_current_level()
        return True

    def _get_requester(self):
        """Who asks: the current user, or the record's creator when the system submits for them."""
        self.ensure_one()
        if self.env.uid == SUPERUSER_ID and self.create_uid:
            return self.create_uid
        return self.env.user

    def _check_submit(self):
        """Hook: refuse a submission that cannot be approved (UserError)."""

    def _check_approve(self):
        """Hook: refuse an approval the request is not ready for (UserError), before any review changes."""

    @api.multi
    def action_approve(self, comment=None, attachments=None):
        """通过: approve the current user's level, with an optional comment and attachments; the next
        level is notified, and the last level's approval runs :meth:`_on_approved` and gives the
        process's executor an activity."""
        self._check_reviewer()
        for rec in self:
            rec._check_approve()
        for rec in self:
            rec.validate_tier()
            rec._invalidate_reviews()
            rec._post_review_comment(_("Approved"), comment, attachments)
            if self._calc_reviews_validated(rec.review_ids):
                rec.write({"approval_state": "approved", "approved_by": self.env.uid,
                           "approved_at": fields.Datetime.now()})
                rec._on_approved()
                rec._notify_executor()
            rec._notify_current_level()
        return True

    @api.multi
    def action_reject(self, reason=None, attachments=None):
        """拒绝: reject with a reason; the request ends and :meth:`_on_rejected` runs."""
        reason = (reason or "").strip()
        if not reason:
            raise UserError(_("Give a reason for the rejection."))
        self._check_reviewer()
        for rec in self:
            rec.reject_tier()
            rec._invalidate_reviews()
            rec.write({"approval_state": "rejected", "reject_reason": reason})
            rec._post_review_comment(_("Rejected"), reason, attachments)
            rec._on_rejected()
            rec._notify_current_level()
        return True

    def _post_review_comment(self, verdict, comment, attachments):
        """The reviewer's verdict in the chatter, with their comment and files (批阅: 支持上传附件和备注说明)."""
        body = "%s: %s" % (verdict, comment) if (comment or "").strip() else verdict
        attachments = attachments or self.env["ir.attachment"]
        if attachments:
            # sudo: the reviewer's own uploads of the review wizard now belong to the request, so
            # who may read the request may read them
            attachments.sudo().write({"res_model": self._name, "res_id": self.id})
        self.message_post(body=body, attachment_ids=attachments.ids)

    @api.multi
    def action_open_approve(self):
        return self._action_open_decision("approve")

    @api.multi
    def action_open_reject(self):
        return self._action_open_decision("reject")

    def _action_open_decision(self, decision):
        self._check_reviewer()
        return {
            "type": "ir.actions.act_window", "name": _("Approve") if decision == "approve" else _("Reject"),
            "res_model": "ep.approval.reject", "view_mode": "form", "target": "new",
            "context": {"default_res_model": self._name, "default_res_ids": ",".join(map(str, self.ids)),
                        "default_decision": decision},
        }

    # ------------------------------------------------------------ notifications
    def _get_approval_activity_type(self):
        return self.env.ref("ep_parking.mail_activity_approval")

    def _notify_current_level(self):
        """Reviewers hear of a request when it reaches their level, not before: the activities of
        the levels done are removed and the reviewers of the level it now waits at get one each."""
        activity_type = self._get_approval_activity_type()
        model = self.env["ir.model"].sudo()._get(self._name)  # sudo: portal requesters cannot read ir.model
        # sudo: activities are the approval engine's notifications; the requester or the previous
        # reviewer hands the request to the next reviewers, whose activities they may not write.
        Activity = self.env["mail.activity"].sudo()
        for rec in self:
            Activity.search([("res_model", "=", self._name), ("res_id", "=", rec.id),
                             ("activity_type_id", "=", activity_type.id)]).unlink()
            if rec.approval_state != "to_approve":
                continue
            # sudo: the reviews are the engine's bookkeeping (portal requesters cannot read them)
            for user in rec.sudo()._get_current_reviews().mapped("reviewer_ids"):
                Activity.create({
                    "res_model_id": model.id, "res_id": rec.id, "activity_type_id": activity_type.id,
                    "user_id": user.id, "summary": _("To approve: %(name)s") % {"name": rec.display_name},
                })

    def _notify_executor(self):
        """An approved request goes to the executor of its process, when it has one (执行人)."""
        executor = self.env["ep.approval.process"].sudo()._get_executor(self)  # sudo: process setup
        if not executor:
            return
        # sudo: as in _notify_current_level
        self.env["mail.activity"].sudo().create({
            "res_model_id": self.env["ir.model"].sudo()._get(self._name).id, "res_id": self.id,
            "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id, "user_id": executor.id,
            "summary": _("Carry out: %(name)s") % {"name": self.display_name},
        })

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
