from odoo import api, fields, models

from ..lib import vendor_api


class EpParkingAbnormalOpening(models.Model):
    """A gate opened other than by the automatic flow (seed 000 §2.2.3): remote control or system.

    Each one is a possible revenue leak that operations follow up.
    """

    _name = "ep.parking.abnormal.opening"
    _description = "Abnormal Gate Opening"
    _inherit = ["ep.parking.vendor.report.mixin"]
    _order = "opening_time desc, id desc"
    _rec_name = "gate_code"

    plate = fields.Char(index=True)
    direction = fields.Selection(related="gate_id.direction", store=True, readonly=True)
    kind = fields.Selection([("remote", "Remote Control"), ("system", "System")], required=True, index=True)
    opening_time = fields.Datetime(string="Time", required=True, index=True)
    reason = fields.Text()
    reviewed = fields.Boolean(help="Operations checked this opening.")
    opening_count = fields.Integer(string="Openings", default=1, group_operator="sum")

    _sql_constraints = [
        ("event_uniq", "unique(lot_id, event_ref)", "A vendor event is recorded once per lot."),
    ]

    @api.model
    def _prepare_vendor_vals(self, lot, values):
        return {"plate": values["plate"], "kind": values["kind"], "reason": values["reason"],
                "opening_time": fields.Datetime.to_string(values["time"])}

    @api.model
    def _handle_abnormal_opening_event(self, event):
        self._ingest_event(event, vendor_api.parse_abnormal_opening)

    @api.multi
    def action_mark_reviewed(self):
        return self.write({"reviewed": True})
