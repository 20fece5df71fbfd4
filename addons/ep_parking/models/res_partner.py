from odoo import api, fields, models


class ResPartner(models.Model):
    """Members (seed 000 §2.10.2 会员): car owners known to the parking system."""

    _inherit = "res.partner"

    ep_member = fields.Boolean(string="Parking Member", index=True)
    ep_member_since = fields.Date(string="Member Since")
    ep_vehicle_ids = fields.One2many("ep.parking.vehicle", "partner_id", string="Vehicles")
    ep_vehicle_count = fields.Integer(compute="_compute_ep_vehicle_count", string="Vehicle Count")
    ep_deduction_balance = fields.Monetary(
        string="Deduction Balance", currency_field="currency_id",
        help="Credit a partner programme granted the owner (§2.3.11 彩惠抵扣金): pays a whole order when it "
             "covers it.")

    @api.depends("ep_vehicle_ids")
    def _compute_ep_vehicle_count(self):
        for partner in self:
            partner.ep_vehicle_count = len(partner.ep_vehicle_ids)
