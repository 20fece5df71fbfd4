from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

# The region tree of seed 000 §2.1.1: company > region (大区) > division (事业部);
# lots hang below divisions. The parent a node may have, by kind:
PARENT_KIND = {"company": False, "region": "company", "division": "region"}


class EpParkingRegion(models.Model):
    _name = "ep.parking.region"
    _description = "Parking Region"
    _inherit = ["mail.thread"]
    _parent_store = True
    _parent_order = "sequence, name"
    _order = "parent_left"
    _rec_name = "complete_name"

    name = fields.Char(required=True, track_visibility="onchange")
    code = fields.Char(required=True, index=True, track_visibility="onchange")
    kind = fields.Selection(
        [("company", "Company"), ("region", "Region"), ("division", "Division")],
        required=True, default="region", track_visibility="onchange",
    )
    parent_id = fields.Many2one(
        "ep.parking.region", index=True, ondelete="restrict", track_visibility="onchange",
    )
    child_ids = fields.One2many("ep.parking.region", "parent_id", string="Children")
    parent_left = fields.Integer(index=True)
    parent_right = fields.Integer(index=True)
    complete_name = fields.Char(compute="_compute_complete_name", store=True, index=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.user.company_id, index=True,
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, track_visibility="onchange")
    user_ids = fields.Many2many(
        "res.users", "ep_parking_region_res_users_rel", "region_id", "user_id",
        string="Staff", help="Staff users allowed to see this node and everything below it.",
    )

    _sql_constraints = [
        ("code_company_uniq", "unique(code, company_id)", "A region code must be unique per company."),
    ]

    @api.multi
    def write(self, vals):
        result = super().write(vals)
        if "user_ids" in vals:
            self.env["ir.rule"].clear_caches()  # the region rules read each user's regions
        return result

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for region in self:
            if region.parent_id:
                region.complete_name = "%s / %s" % (region.parent_id.complete_name, region.name)
            else:
                region.complete_name = region.name

    @api.constrains("parent_id")
    def _check_parent_id(self):
        if not self._check_recursion():
            raise ValidationError(_("A region cannot be its own ancestor."))

    @api.constrains("kind", "parent_id")
    def _check_kind_parent(self):
        labels = dict(self._fields["kind"]._description_selection(self.env))
        for region in self:
            expected = PARENT_KIND[region.kind]
            if not expected and region.parent_id:
                raise ValidationError(
                    _("A company is the root of the tree: %s cannot have a parent.") % region.name)
            if expected and region.parent_id.kind != expected:
                raise ValidationError(
                    _("%(name)s is a %(kind)s: its parent must be a %(parent_kind)s.")
                    % {"name": region.name, "kind": labels[region.kind], "parent_kind": labels[expected]})

    @api.constrains("company_id", "parent_id")
    def _check_company(self):
        for region in self:
            if region.parent_id and region.parent_id.company_id != region.company_id:
                raise ValidationError(_("%s must belong to the same company as its parent.") % region.name)
