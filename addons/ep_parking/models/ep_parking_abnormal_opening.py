from odoo import api, fields, models

from ..lib import vendor_api
from .ep_parking_tariff import to_lot_time


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
    # the revenue hole (seed 000 §2.2.3): what the car would have paid had the gate not been opened
    currency_id = fields.Many2one(related="lot_id.currency_id", readonly=True)
    entry_passage_id = fields.Many2one("ep.parking.passage", string="Entry Record", readonly=True,
                                       ondelete="set null",
                                       help="The open entry of the plate when its gate was opened.")
    estimated_loss = fields.Monetary(
        string="Estimated Fee Lost", readonly=True, group_operator="sum",
        help="The lot's tariff from the plate's entry to the opening: the fee this opening may have let go. "
             "Zero when the entry is not known or the gate let a car in.")
    loss_known = fields.Boolean(string="Entry Known", readonly=True,
                                help="The plate's entry was found, so the fee lost could be estimated.")

    _sql_constraints = [
        ("event_uniq", "unique(lot_id, event_ref)", "A vendor event is recorded once per lot."),
    ]

    @api.model
    def create(self, vals):
        opening = super().create(vals)
        opening.write(opening._prepare_loss_vals())
        return opening

    def _prepare_loss_vals(self):
        """The open entry of the plate and the fee from it to the opening (lot tariff, lot time)."""
        self.ensure_one()
        vals = {"entry_passage_id": False, "estimated_loss": 0.0, "loss_known": False}
        if not self.plate or self.direction == "in":
            return vals
        entry = self.env["ep.parking.passage"].search([
            ("lot_id", "=", self.lot_id.id), ("plate", "=", self.plate), ("direction", "=", "in"),
            ("passage_time", "<=", self.opening_time), ("exit_id", "=", False)],
            order="passage_time desc, id desc", limit=1)
        tariff = self.lot_id._get_tariff(entry.vehicle_kind or "small") if entry else None
        if not entry:
            return vals
        vals.update(entry_passage_id=entry.id, loss_known=True)
        if tariff:
            fee = tariff.compute_fee(to_lot_time(entry.passage_time), to_lot_time(self.opening_time)).amount
            vals["estimated_loss"] = float(fee)
        return vals

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
