from odoo import api, fields, models


class EpChargingUser(models.Model):
    """A charging user (用户管理, seed 004 §7.1) with their own rights: a tariff of their own
    replaces the station's (a free tariff makes a VIP who charges for nothing)."""

    _name = "ep.charging.user"
    _description = "Charging User"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", string="User", required=True, index=True, ondelete="cascade")
    phone = fields.Char(related="partner_id.mobile", readonly=True)
    tariff_id = fields.Many2one("ep.charging.tariff", string="Own Tariff", ondelete="restrict",
                                help="Charged instead of the station's tariff; a free tariff makes a VIP.")
    vip = fields.Boolean(compute="_compute_vip", string="VIP (free)")
    card_ids = fields.One2many("ep.charging.card", "partner_id", related="partner_id.ep_charging_card_ids",
                               string="Cards", readonly=True)
    note = fields.Text()
    active = fields.Boolean(default=True)

    _sql_constraints = [("partner_uniq", "unique(partner_id)", "One charging user per partner.")]

    @api.depends("tariff_id.is_free")
    def _compute_vip(self):
        for user in self:
            user.vip = bool(user.tariff_id.is_free)

    @api.model
    def _get_tariff(self, partner):
        """The partner's own tariff, or an empty recordset."""
        if not partner:
            return self.env["ep.charging.tariff"]
        return self.search([("partner_id", "=", partner.id)], limit=1).tariff_id
