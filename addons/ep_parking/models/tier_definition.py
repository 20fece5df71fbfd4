from odoo import api, models


class TierDefinition(models.Model):
    """Every model built on ``ep.approval.mixin`` can get approval tiers."""

    _inherit = "tier.definition"

    @api.model
    def _get_tier_validation_model_names(self):
        names = super()._get_tier_validation_model_names()
        children = self.env.registry["ep.approval.mixin"]._inherit_children
        return names + [name for name in children if not self.env[name]._abstract]
