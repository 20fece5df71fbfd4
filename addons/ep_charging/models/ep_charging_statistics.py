from odoo import fields, models, tools
from odoo.addons.ep_parking.lib.vendor_api import DEFAULT_TZ


class EpChargingStatistics(models.Model):
    """Charging statistics (充电统计, seed 004 §6): per station and lot day, the completed orders'
    amount received, energy, electricity and service income, and the expenses: payment fees (the
    station's fee rate on what was received) and the service share owed to the platform."""

    _name = "ep.charging.statistics"
    _description = "Charging Statistics"
    _auto = False
    _order = "day desc, station_id"
    _rec_name = "day"

    station_id = fields.Many2one("ep.charging.station", readonly=True)
    lot_id = fields.Many2one("ep.parking.lot", readonly=True)
    region_id = fields.Many2one("ep.parking.region", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    day = fields.Date(readonly=True)
    order_count = fields.Integer(string="Orders", readonly=True)
    received = fields.Monetary(readonly=True)
    kwh = fields.Float(string="Energy (kWh)", digits=(16, 3), readonly=True)
    electricity_income = fields.Monetary(readonly=True)
    service_income = fields.Monetary(readonly=True)
    fee_expense = fields.Monetary(string="Payment Fees", readonly=True)
    service_expense = fields.Monetary(string="Service Share", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute("""
            CREATE VIEW ep_charging_statistics AS (
                SELECT MIN(o.id) AS id, o.station_id, s.lot_id, l.region_id, c.currency_id,
                       (o.start_at AT TIME ZONE 'UTC' AT TIME ZONE %s)::date AS day,
                       COUNT(*) AS order_count,
                       SUM(o.amount_total) AS received,
                       SUM(o.kwh) AS kwh,
                       SUM(o.electricity_fee) AS electricity_income,
                       SUM(o.service_fee) AS service_income,
                       ROUND(SUM(o.amount_total)::numeric * s.payment_fee_pct::numeric / 100, 2) AS fee_expense,
                       ROUND(SUM(o.service_fee)::numeric * s.service_share_pct::numeric / 100, 2) AS service_expense
                  FROM ep_charging_order o
                  JOIN ep_charging_station s ON s.id = o.station_id
                  JOIN ep_parking_lot l ON l.id = s.lot_id
                  LEFT JOIN res_company c ON c.id = l.company_id
                 WHERE o.charge_state = 'done' AND o.start_at IS NOT NULL
                 GROUP BY o.station_id, s.lot_id, l.region_id, c.currency_id, day, s.payment_fee_pct,
                          s.service_share_pct
            )""", [DEFAULT_TZ])
