from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.ep_approval_process import APPROVAL_MAX_FILES


class EpApprovalReject(models.TransientModel):
    """A reviewer's decision on requests (批阅审批, §2.7.3): approve or reject, with a comment (the
    reason, required to reject) and attachments (at most 5 files of 5 MB) posted to the request."""

    _name = "ep.approval.reject"
    _description = "Review an Approval Request"
    _inherit = ["ep.parking.attachment.mixin"]

    _attachment_allowed = None
    _attachment_max_files = APPROVAL_MAX_FILES

    res_model = fields.Char(required=True)
    res_ids = fields.Char(required=True)
    decision = fields.Selection([("approve", "Approve"), ("reject", "Reject")], required=True, default="reject")
    reason = fields.Text(string="Comment")
    attachment_ids = fields.Many2many(
        "ir.attachment", "ep_approval_reject_ir_attachment_rel", "wizard_id", "attachment_id",
        string="Attachments", help="At most 5 files of any type, 5 MB each.")

    def _get_requests(self):
        self.ensure_one()
        if self.res_model not in self.env or not hasattr(self.env[self.res_model], "_on_rejected"):
            raise UserError(_("%(model)s has no approvals.") % {"model": self.res_model})
        ids = [int(i) for i in self.res_ids.split(",") if i.strip().isdigit()]
        requests = self.env[self.res_model].browse(ids).exists()
        if not requests:
            raise UserError(_("The request no longer exists."))
        return requests

    def _attach_uploads(self):
        """The files go to the requests' chatter, not to this wizard (see action_confirm)."""

    @api.multi
    def action_confirm(self):
        self.ensure_one()
        requests = self._get_requests()
        if self.decision == "approve":
            requests.action_approve(comment=self.reason, attachments=self.attachment_ids)
        else:
            requests.action_reject(self.reason, attachments=self.attachment_ids)
        return {"type": "ir.actions.act_window_close"}

    @api.multi
    def action_reject(self):
        self.ensure_one()
        self.decision = "reject"
        return self.action_confirm()
