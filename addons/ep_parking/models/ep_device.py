import os

from odoo import api, fields, models

PARKING_KINDS = [
    ("gate", "Gate"),
    ("toll_pc", "Toll PC"),
    ("recognition_camera", "Recognition Camera"),
    ("toll_pad", "Toll Pad"),
    ("camera", "Camera"),
    ("ground_sensor", "Ground Sensor"),
    ("space_lock", "Space Lock"),
]


class EpDevice(models.Model):
    """The six parking device kinds of seed 000 §2.1.4, tied to their lot by site code."""

    _inherit = "ep.device"

    kind = fields.Selection(selection_add=PARKING_KINDS)
    direction = fields.Selection(
        [("in", "Entry"), ("out", "Exit")], track_visibility="onchange",
        help="For gates: whether cars enter or leave through it.",
    )
    lot_id = fields.Many2one(
        "ep.parking.lot", compute="_compute_lot_id", inverse="_inverse_lot_id", store=True, index=True,
        ondelete="set null",
    )
    qr_token = fields.Char(
        string="QR Token", copy=False, index=True, readonly=True,
        help="Random key in the gate's QR code URL (fast exit or unplated entry).",
    )

    _sql_constraints = [("qr_token_uniq", "unique(qr_token)", "QR tokens must be unique.")]

    @api.depends("site_code")
    def _compute_lot_id(self):
        lots = {lot.code: lot for lot in self.env["ep.parking.lot"].search(
            [("code", "in", list(set(self.mapped("site_code"))))])}
        for device in self:
            device.lot_id = lots.get(device.site_code, False)

    def _inverse_lot_id(self):
        for device in self:
            if device.lot_id and device.site_code != device.lot_id.code:
                device.site_code = device.lot_id.code

    @api.model
    def _new_qr_token(self):
        return os.urandom(12).hex()

    @api.onchange("lot_id")
    def _onchange_lot_id(self):
        if self.lot_id:
            self.site_code = self.lot_id.code

    @api.model
    def create(self, vals):
        vals = dict(vals)
        if vals.get("lot_id") and not vals.get("site_code"):
            vals["site_code"] = self.env["ep.parking.lot"].browse(vals["lot_id"]).code
        if vals.get("kind") == "gate" and not vals.get("qr_token"):
            vals["qr_token"] = self._new_qr_token()
        return super().create(vals)

    @api.multi
    def write(self, vals):
        result = super().write(vals)
        if vals.get("kind") == "gate":
            for device in self.filtered(lambda d: not d.qr_token):
                device.qr_token = self._new_qr_token()
        return result
