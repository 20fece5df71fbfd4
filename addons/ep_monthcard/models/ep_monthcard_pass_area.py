from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class EpMonthcardPassArea(models.Model):
    """A one-card-pass area (一卡通区域, seed 000 §2.3.5): lots, divisions and regions whose lots
    a pass holder parks at as a temporary car for a token 0.01 (``lib/pass_area.py``).

    Named "XX（区域）一卡通" by convention, e.g. 武汉事业部一卡通. A region or division stands for
    every lot below it, now and later. Archiving an area (删除) suspends its passes; restoring it
    (恢复) brings them back.
    """

    _name = "ep.monthcard.pass.area"
    _description = "One-Card-Pass Area"
    _inherit = ["mail.thread"]
    _order = "name, id"

    name = fields.Char(required=True, track_visibility="onchange",
                       help="By convention \"<area> One-Card Pass\" (XX一卡通).")
    active = fields.Boolean(default=True, track_visibility="onchange")
    lot_ids = fields.Many2many("ep.parking.lot", "ep_monthcard_pass_area_lot_rel", "area_id", "lot_id",
                               string="Lots")
    region_ids = fields.Many2many("ep.parking.region", "ep_monthcard_pass_area_region_rel", "area_id", "region_id",
                                  string="Regions and Divisions",
                                  help="Every lot below these nodes of the region tree belongs to the area.")
    area_lot_ids = fields.Many2many("ep.parking.lot", compute="_compute_area_lot_ids", string="All Lots",
                                    help="The lots chosen and those below the regions and divisions chosen.")
    area_lot_count = fields.Integer(compute="_compute_area_lot_ids", string="Lot Count")
    member_ids = fields.One2many("ep.monthcard.pass.area.member", "area_id", string="Passes")
    member_count = fields.Integer(compute="_compute_member_count", string="Pass Count")
    note = fields.Text()

    @api.depends("lot_ids", "region_ids")
    def _compute_area_lot_ids(self):
        for area in self:
            lots = area._get_area_lots()
            area.area_lot_ids = lots
            area.area_lot_count = len(lots)

    @api.depends("member_ids")
    def _compute_member_count(self):
        for area in self:
            area.member_count = len(area.member_ids)

    @api.constrains("lot_ids", "region_ids")
    def _check_scope(self):
        for area in self:
            if not area.lot_ids and not area.region_ids:
                raise ValidationError(_("The one-card-pass area %(name)s needs lots, divisions or regions.")
                                      % {"name": area.name})

    def _get_area_lots(self):
        """Every lot of the area (active lots; the tree is read whatever the user may see)."""
        self.ensure_one()
        if not self.region_ids:
            return self.lot_ids
        # sudo: an area spans regions; which lots it covers does not depend on who asks.
        below = self.env["ep.parking.lot"].sudo().search([("region_id", "child_of", self.region_ids.ids)])
        return self.lot_ids | self.env["ep.parking.lot"].browse(below.ids)

    def _covers_lot(self, lot):
        self.ensure_one()
        return lot in self._get_area_lots()

    @api.multi
    def action_view_members(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "name": _("One-Card Passes"),
            "res_model": "ep.monthcard.pass.area.member", "view_mode": "tree,form",
            "domain": [("area_id", "=", self.id)], "context": {"default_area_id": self.id},
        }
