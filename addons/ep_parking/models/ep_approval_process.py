from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

REQUEST_MODEL = "ep.approval.request"
APPROVAL_MAX_FILES = 5


class EpApprovalProcess(models.Model):
    """An approval process (审批流程, seed 000 §2.7.1): ordered levels of approvers, an optional
    executor, attachments and remarks.

    A process either serves the generic approval requests (``ep.approval.request``, 发起审批: no
    document model) or governs one EP document model built on ``ep.approval.mixin`` (month-card
    applications, renewal requests, discounts…): that model's requests then go through its levels.
    Saving the process writes the OCA ``tier.definition`` records behind it, one per level, which
    ``base_tier_validation`` and the mixin turn into reviews; disabling it archives them, so a
    disabled process can no longer be chosen nor start a review."""

    _name = "ep.approval.process"
    _description = "Approval Process"
    _inherit = ["ep.parking.attachment.mixin", "mail.thread"]
    _order = "name, id"

    _attachment_allowed = None  # §2.7.1 附件：支持各类型文件上传
    _attachment_max_files = APPROVAL_MAX_FILES

    name = fields.Char(string="Approval Name", required=True, translate=True, track_visibility="onchange")
    model_id = fields.Many2one(
        "ir.model", string="Document", ondelete="cascade", track_visibility="onchange",
        domain=lambda self: [("model", "in", self._get_document_models())],
        help="The kind of EP document this process approves (e.g. month-card applications). Empty: the "
             "process serves the approval requests staff start under Approvals > Create Approval.")
    level_ids = fields.One2many("ep.approval.process.level", "process_id", string="Approvers", copy=True)
    level_count = fields.Integer(compute="_compute_level_summary", string="Levels")
    approver_summary = fields.Char(compute="_compute_level_summary", string="Approvers")
    executor_id = fields.Many2one("res.users", track_visibility="onchange",
                                  help="Who carries out approved requests: they get an activity on approval.")
    attachment_ids = fields.Many2many(
        "ir.attachment", "ep_approval_process_ir_attachment_rel", "process_id", "attachment_id",
        string="Attachments", help="At most 5 files of any type, 5 MB each.")
    note = fields.Text(string="Remarks", help="Where the process applies and what it asks for.")
    active = fields.Boolean(string="Enabled", default=True, track_visibility="onchange")
    tier_definition_ids = fields.One2many("tier.definition", "ep_process_id", string="Tier Definitions",
                                          context={"active_test": False}, readonly=True)

    @api.model
    def _get_document_models(self):
        """The models built on ep.approval.mixin that a process may govern (requests excluded)."""
        children = self.env.registry["ep.approval.mixin"]._inherit_children
        return [name for name in children if not self.env[name]._abstract and name != REQUEST_MODEL]

    @api.depends("level_ids.sequence", "level_ids.user_id", "level_ids.group_id")
    def _compute_level_summary(self):
        for process in self:
            levels = process.level_ids.sorted(lambda level: (level.sequence, level.id))
            process.level_count = len(levels)
            process.approver_summary = " → ".join(levels.mapped("display_name"))

    # ------------------------------------------------------------ checks
    @api.constrains("level_ids", "active")
    def _check_levels(self):
        for process in self:
            if process.active and not process.level_ids:
                raise ValidationError(_("The approval process %(name)s needs at least one level of approvers.")
                                      % {"name": process.name})

    @api.constrains("model_id", "active")
    def _check_model(self):
        for process in self.filtered("model_id"):
            if process.model_id.model not in self._get_document_models():
                raise ValidationError(_("%(model)s has no approvals.") % {"model": process.model_id.name})
            if process.active and self.search_count([("model_id", "=", process.model_id.id), ("id", "!=", process.id)]):
                raise ValidationError(_("%(model)s already has an enabled approval process: disable it first.")
                                      % {"model": process.model_id.name})

    # ------------------------------------------------------------ tier definitions
    @api.model
    def create(self, vals):
        process = super().create(vals)
        process._sync_tier_definitions()
        return process

    @api.multi
    def write(self, vals):
        result = super().write(vals)
        self._sync_tier_definitions()
        return result

    def _sync_tier_definitions(self):
        """One ``tier.definition`` per level, in level order; those of removed levels are archived."""
        # sudo: tier definitions are the approval engine's configuration, written only from here for
        # the managers who may edit processes.
        Tier = self.env["tier.definition"].sudo().with_context(active_test=False)
        for process in self:
            levels = process.level_ids.sorted(lambda level: (level.sequence, level.id))
            for index, level in enumerate(levels, 1):
                vals = process._prepare_tier_definition_vals(level, index)
                if level.tier_definition_id:
                    level.tier_definition_id.sudo().write(vals)
                else:
                    level.tier_definition_id = Tier.create(vals)
            stale = Tier.search([("ep_process_id", "=", process.id), ("id", "not in", levels.mapped(
                "tier_definition_id").ids), ("active", "=", True)])
            stale.write({"active": False})

    def _prepare_tier_definition_vals(self, level, index):
        self.ensure_one()
        model = self.model_id.model or REQUEST_MODEL
        domain = "[]" if self.model_id else "[('process_id', '=', %d)]" % self.id
        vals = {
            "name": _("%(process)s: level %(level)s") % {"process": self.name, "level": index},
            "model_id": self.env["ir.model"]._get(model).id,
            "definition_domain": domain, "sequence": index * 10, "active": self.active,
            "ep_process_id": self.id, "company_id": False, "notify_on_create": False,
        }
        if level.review_type == "group":
            vals.update(review_type="group", reviewer_group_id=level.group_id.id, reviewer_id=False)
        else:
            vals.update(review_type="individual", reviewer_id=level.user_id.id, reviewer_group_id=False)
        return vals

    @api.model
    def _get_executor(self, record):
        """The executor of the process ``record`` (an approval request or a governed document) went through."""
        if record._name == REQUEST_MODEL:
            return record.process_id.executor_id
        process = self.search([("model_id.model", "=", record._name)], limit=1)
        return process.executor_id
