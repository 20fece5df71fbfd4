from odoo import api, fields, models


class EpParkingOpsRegion(models.Model):
    """An operations region (seed 000 §2.1.3 易停区域架构), across the company tree.

    Each lot belongs to at most one ops region; the check lives on the lot
    (ep.parking.lot.write) so the form here and any RPC obey it alike.
    """

    _name = "ep.parking.ops.region"
    _description = "Operations Region"
    _inherit = ["mail.thread"]
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True, track_visibility="onchange")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    lot_ids = fields.One2many("ep.parking.lot", "ops_region_id", string="Lots")
    lot_count = fields.Integer(compute="_compute_lot_count")
    pick_region_id = fields.Many2one(
        "ep.parking.region", string="Add Lots Of", store=False,
        help="Pick a region or division to add every lot below it (§2.1.3 A).",
    )

    @api.depends("lot_ids")
    def _compute_lot_count(self):
        for region in self:
            region.lot_count = len(region.lot_ids)

    @api.onchange("pick_region_id")
    def _onchange_pick_region_id(self):
        if self.pick_region_id:
            lots = self.env["ep.parking.lot"].search([("region_id", "child_of", self.pick_region_id.id)])
            self.lot_ids |= lots
            self.pick_region_id = False
