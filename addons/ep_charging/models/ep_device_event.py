from odoo import api, models

from ..lib.charger_events import EVENT_TYPES


class EpDeviceEvent(models.Model):
    """The bridge hands the chargers' events (lib/charger_events.py) to ep.charging.charger."""

    _inherit = "ep.device.event"

    @api.model
    def _get_event_handlers(self):
        handlers = super()._get_event_handlers()
        handlers.update({kind: ("ep.charging.charger", "_handle_charger_event") for kind in EVENT_TYPES})
        return handlers
