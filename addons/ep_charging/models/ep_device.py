from odoo import fields, models


class EpDevice(models.Model):
    """Chargers talk to the suite through the bridge as devices of their station (site code)."""

    _inherit = "ep.device"

    kind = fields.Selection(selection_add=[("charger", "Charger")])
