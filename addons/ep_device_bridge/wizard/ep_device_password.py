from odoo import fields, models


class EpDevicePassword(models.TransientModel):
    """Shows a newly generated MQTT password once; only its hash stays on the device."""

    _name = "ep.device.password"
    _description = "Device MQTT Password"

    device_id = fields.Many2one("ep.device", required=True, readonly=True)
    mqtt_username = fields.Char(related="device_id.mqtt_username", readonly=True)
    password = fields.Char(readonly=True)
