from odoo import _, api, fields, models
from odoo.exceptions import UserError


class EpApprovalReject(models.TransientModel):
    """Asks the reviewer why a request is rejected (ep.approval.mixin.action_reject)."""

    _name = "ep.approval.reject"
    _description = "Reject an Approval Request"

    res_model = fields.Char(required=True)
    res_ids = fields.Char(required=True)
    reason = fields.Text(required=True)

    @api.multi
    def action_reject(self):
        self.ensure_one()
        if self.res_model not in self.env or not hasattr(self.env[self.res_model], "_on_rejected"):
            raise UserError(_("%(model)s has no approvals.") % {"model": self.res_model})
        ids = [int(i) for i in self.res_ids.split(",") if i.strip().isdigit()]
        requests = self.env[self.res_model].browse(ids).exists()
        if not requests:
            raise UserError(_("The request to reject no longer exists."))
        requests.action_reject(self.reason)
        return {"type": "ir.actions.act_window_close"}
