from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class EpApprovalProcessLevel(models.Model):
    """One level of an approval process (多级审批时，多次添加审批人即可): a user, or any user of a group."""

    _name = "ep.approval.process.level"
    _description = "Approval Level"
    _order = "process_id, sequence, id"

    process_id = fields.Many2one("ep.approval.process", required=True, index=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    review_type = fields.Selection([("user", "User"), ("group", "Group")], string="Approved By", required=True,
                                   default="user")
    user_id = fields.Many2one("res.users", string="Approver")
    group_id = fields.Many2one("res.groups", string="Approver Group")
    tier_definition_id = fields.Many2one("tier.definition", readonly=True, copy=False, ondelete="set null")

    @api.multi
    def name_get(self):
        return [(level.id, level.group_id.display_name if level.review_type == "group" else level.user_id.name or "")
                for level in self]

    @api.constrains("review_type", "user_id", "group_id")
    def _check_approver(self):
        for level in self:
            if level.review_type == "user" and not level.user_id:
                raise ValidationError(_("Choose the approver of each level."))
            if level.review_type == "group" and not level.group_id:
                raise ValidationError(_("Choose the approver group of each level."))

    @api.onchange("review_type")
    def _onchange_review_type(self):
        if self.review_type == "user":
            self.group_id = False
        else:
            self.user_id = False
