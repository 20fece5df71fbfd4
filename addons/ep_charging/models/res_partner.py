from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    ep_charging_card_ids = fields.One2many("ep.charging.card", "partner_id", string="Charging Cards")
