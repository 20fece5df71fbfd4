from odoo import fields, models


class EpChargingMeterReading(models.Model):
    """A cumulative meter value a charger reported during a session (``meter`` events)."""

    _name = "ep.charging.meter.reading"
    _description = "Charging Meter Reading"
    _order = "order_id, at, id"
    _rec_name = "at"

    order_id = fields.Many2one("ep.charging.order", required=True, index=True, ondelete="cascade")
    at = fields.Datetime(required=True)
    kwh = fields.Float(string="Meter (kWh)", digits=(16, 3), required=True)
