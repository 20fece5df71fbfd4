from odoo import api, fields, models


class TierDefinition(models.Model):
    """Every model built on ``ep.approval.mixin`` can get approval tiers; those an approval
    process writes point back to it (``ep.approval.process._sync_tier_definitions``)."""

    _inherit = "tier.definition"

    ep_process_id = fields.Many2one("ep.approval.process", string="Approval Process", readonly=True,
                                    index=True, ondelete="cascade")

    @api.model
    def _get_tier_validation_model_names(self):
        names = super()._get_tier_validation_model_names()
        children = self.env.registry["ep.approval.mixin"]._inherit_children
        return names + [name for name in children if not self.env[name]._abstract]
