from odoo import api, fields, models

from ..lib.plate import PROVINCES


class EpParkingVehicle(models.Model):
    """The vehicle register (seed 000 §2.10.2 车辆): one row per plate."""

    _name = "ep.parking.vehicle"
    _description = "Vehicle"
    _inherit = ["ep.parking.plate.mixin", "mail.thread"]
    _order = "plate"
    _rec_name = "plate"

    kind = fields.Selection(
        [("small", "Small Car"), ("medium", "Medium Car"), ("large", "Large Car"), ("extra", "Extra Large"),
         ("new_energy", "New Energy")],
        required=True, default="small", track_visibility="onchange",
    )
    partner_id = fields.Many2one("res.partner", string="Owner", index=True, track_visibility="onchange")
    phone = fields.Char(track_visibility="onchange")
    brand = fields.Char()
    color = fields.Char()
    note = fields.Text()
    nosense_channel_id = fields.Many2one(
        "ep.parking.payment.method", string="No-sense Payment", domain=[("settle_after_exit", "=", True)],
        track_visibility="onchange",
        help="The plate is bound to a bank account (§2.3.7 D): at lots accepting this channel the gate "
             "opens and the fee is debited after the exit.")
    active = fields.Boolean(default=True)
    passage_count = fields.Integer(compute="_compute_passage_count")

    _sql_constraints = [("plate_uniq", "unique(plate)", "This plate is already registered.")]

    @api.model
    def _get_plate_provinces(self):
        """The province characters of the plate input's picker (``ep_parking.plate_input``)."""
        return list(PROVINCES)

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        if self.partner_id and not self.phone:
            self.phone = self.partner_id.mobile or self.partner_id.phone

    def _compute_passage_count(self):
        groups = self.env["ep.parking.passage"].read_group(
            [("plate", "in", self.mapped("plate"))], ["plate"], ["plate"])
        counts = {group["plate"]: group["plate_count"] for group in groups}
        for vehicle in self:
            vehicle.passage_count = counts.get(vehicle.plate, 0)

    @api.multi
    def action_view_passages(self):
        self.ensure_one()
        action = self.env.ref("ep_parking.ep_parking_passage_action").read()[0]
        action["domain"] = [("plate", "=", self.plate)]
        return action
