from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .ep_approval_process import APPROVAL_MAX_FILES


class EpApprovalRequest(models.Model):
    """An approval request staff start (发起审批, seed 000 §2.7.2): a subject, a process, up to five
    attachments and the content. Saved, it is a draft (未发起: no requester nor time yet); *Publish*
    (发布) sends it to the first level of the process; each level approves in turn (审批中) until
    the last one (已通过), and a rejection at any level ends it (已拒绝). The process's executor
    gets an activity once it is approved."""

    _name = "ep.approval.request"
    _description = "Approval Request"
    _inherit = ["ep.approval.mixin", "ep.parking.attachment.mixin"]
    _order = "id desc"

    _attachment_allowed = None
    _attachment_max_files = APPROVAL_MAX_FILES

    name = fields.Char(string="Subject", required=True, track_visibility="onchange",
                       readonly=True, states={"draft": [("readonly", False)]})
    process_id = fields.Many2one(
        "ep.approval.process", required=True, ondelete="restrict", index=True,
        domain=[("model_id", "=", False)], track_visibility="onchange")
    executor_id = fields.Many2one(related="process_id.executor_id", readonly=True)
    attachment_ids = fields.Many2many(
        "ir.attachment", "ep_approval_request_ir_attachment_rel", "request_id", "attachment_id",
        string="Attachments", help="At most 5 files of any type, 5 MB each.")
    content = fields.Text(required=True)
    # the states of approval_state under the seed's names, for the statusbar
    state = fields.Selection(related="approval_state", readonly=True, string="Status")

    @api.constrains("process_id")
    def _check_process(self):
        for request in self:
            if not request.process_id.active:
                raise ValidationError(_("The approval process %(name)s is disabled: choose another one.")
                                      % {"name": request.process_id.name})
            if request.process_id.model_id:
                raise ValidationError(_("The approval process %(name)s approves %(model)s, not requests.")
                                      % {"name": request.process_id.name, "model": request.process_id.model_id.name})

    @api.multi
    def write(self, vals):
        if set(vals) & {"name", "process_id", "content", "attachment_ids"} and \
                any(request.approval_state != "draft" for request in self):
            raise UserError(_("A published request can no longer be changed."))
        return super().write(vals)

    def _check_submit(self):
        # a process disabled since the request was saved
        if not self.process_id.active:
            raise UserError(_("The approval process %(name)s is disabled: choose another one.")
                            % {"name": self.process_id.name})

    @api.multi
    def action_publish(self):
        """发布: send the request to the first level of its process."""
        return self.action_submit()
