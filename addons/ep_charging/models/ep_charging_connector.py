import os

from odoo import api, fields, models

STATES = [("offline", "Offline"), ("idle", "Idle"), ("occupied", "Plugged In"), ("charging", "Charging"),
          ("fault", "Fault")]


class EpChargingConnector(models.Model):
    """A gun (充电枪) of a charger, with the QR code drivers scan to charge."""

    _name = "ep.charging.connector"
    _description = "Charging Gun"
    _order = "charger_id, number"

    charger_id = fields.Many2one("ep.charging.charger", required=True, index=True, ondelete="cascade")
    station_id = fields.Many2one(related="charger_id.station_id", store=True, readonly=True)
    region_id = fields.Many2one(related="charger_id.region_id", store=True, readonly=True)
    number = fields.Integer(string="Gun", required=True, default=1)
    name = fields.Char(compute="_compute_name", store=True)
    state = fields.Selection(STATES, required=True, default="offline", readonly=True)
    qr_token = fields.Char(string="QR Token", required=True, readonly=True, copy=False, index=True,
                           default=lambda self: os.urandom(12).hex())
    qr_url = fields.Char(compute="_compute_qr_url", string="QR URL")

    _sql_constraints = [
        ("number_uniq", "unique(charger_id, number)", "Each gun of a charger has its own number."),
        ("number_positive", "CHECK(number > 0)", "Gun numbers start at 1."),
        ("qr_token_uniq", "unique(qr_token)", "QR tokens are unique."),
    ]

    @api.depends("charger_id.code", "number")
    def _compute_name(self):
        for gun in self:
            gun.name = "%s-%s" % (gun.charger_id.code, gun.number)

    def _get_qr_url(self):
        self.ensure_one()
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")  # sudo: a system parameter
        return "%s/ep/charging/g/%s" % (base, self.qr_token)

    def _compute_qr_url(self):
        for gun in self:
            gun.qr_url = gun._get_qr_url()
