from odoo import api, models


class EpDeviceEvent(models.Model):
    _inherit = "ep.device.event"

    @api.model
    def _get_event_handlers(self):
        handlers = super()._get_event_handlers()
        handlers.update({
            "entry": ("ep.parking.passage", "_handle_entry_event"),
            "exit": ("ep.parking.passage", "_handle_exit_event"),
            "abnormal_opening": ("ep.parking.abnormal.opening", "_handle_abnormal_opening_event"),
        })
        return handlers
