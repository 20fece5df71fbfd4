import os

from odoo import _, api, fields, models
from odoo.exceptions import UserError


class EpCouponCampaign(models.Model):
    """A merchant's promotion with a fixed QR code on its poster (seed 000 §2.4.4 4 F); the coupons
    claimed through it are "campaign scan"."""

    _name = "ep.coupon.campaign"
    _description = "Coupon Campaign"

    name = fields.Char(required=True)
    merchant_id = fields.Many2one("ep.coupon.merchant", required=True, index=True, ondelete="cascade")
    lot_id = fields.Many2one(related="merchant_id.lot_id", store=True, readonly=True)
    region_id = fields.Many2one(related="merchant_id.region_id", store=True, readonly=True)
    token = fields.Char(required=True, readonly=True, copy=False, default=lambda self: os.urandom(16).hex())
    qr_url = fields.Char(compute="_compute_qr_url", string="QR URL")
    active = fields.Boolean(default=True)

    _sql_constraints = [("token_uniq", "unique(token)", "Campaign codes are unique.")]

    @api.depends("token")
    def _compute_qr_url(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")  # sudo: a system parameter
        for campaign in self:
            campaign.qr_url = "%s/ep/coupon/c/%s" % (base, campaign.token)

    @api.multi
    def _claim(self, plate, phone=None):
        self.ensure_one()
        if not self.active:
            raise UserError(_("The campaign %s has ended.") % self.name)
        return self.merchant_id._issue_coupon(plate, phone=phone, claim_kind="campaign_scan", campaign=self)
