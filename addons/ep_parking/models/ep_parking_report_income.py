from odoo import fields, models, tools

from ..lib.vendor_api import DEFAULT_TZ


class EpParkingReportIncome(models.Model):
    """Income report (收入报表, seed 000 §2.9.2 C): per lot and month (lot time), what the exits owed
    against what was received — the exits' fees and collections as the lot reported them, and the
    orders paid online or at the office by kind. Aggregated by PostgreSQL (a view over the indexed
    tables); pivot and graph group it further, the region rules of the orders apply."""

    _name = "ep.parking.report.income"
    _description = "Income Report"
    _auto = False
    _order = "month desc, lot_id"
    _rec_name = "month"

    lot_id = fields.Many2one("ep.parking.lot", readonly=True)
    region_id = fields.Many2one("ep.parking.region", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    month = fields.Date(readonly=True, help="The first day of the month, in lot time.")
    exit_count = fields.Integer(string="Exits", readonly=True)
    amount_due = fields.Monetary(string="Due (Exits)", readonly=True,
                                 help="The fees the exits owed, as the lot's system reported them.")
    amount_collected = fields.Monetary(string="Collected (Exits)", readonly=True,
                                       help="What the exits paid, at the gate or online, as reported.")
    amount_gap = fields.Monetary(string="Due − Collected", readonly=True)
    temporary_income = fields.Monetary(string="Temporary Orders", readonly=True,
                                       help="Temporary-parking orders paid (online, cash reports).")
    month_card_income = fields.Monetary(string="Month Cards", readonly=True)
    other_income = fields.Monetary(string="Other Orders", readonly=True,
                                   help="Coupons bought, deposits, reservations, charging and other paid orders.")
    amount_received = fields.Monetary(string="Orders Received", readonly=True,
                                      help="Every paid order of the month (refunded orders excluded).")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        # No window function and the region in each branch: the region rules' WHERE clause reaches the
        # scans of passages and orders (indexed region_id) instead of filtering every lot's aggregates.
        self.env.cr.execute("""
            CREATE VIEW ep_parking_report_income AS (
                SELECT MIN(s.row_id) AS id, s.lot_id, s.region_id, c.currency_id, s.month,
                       SUM(s.exits) AS exit_count, SUM(s.due) AS amount_due, SUM(s.collected) AS amount_collected,
                       SUM(s.due) - SUM(s.collected) AS amount_gap,
                       SUM(s.temporary) AS temporary_income, SUM(s.month_card) AS month_card_income,
                       SUM(s.other) AS other_income, SUM(s.temporary + s.month_card + s.other) AS amount_received
                  FROM (
                        SELECT p.id * 2 AS row_id, p.lot_id, p.region_id,
                               date_trunc('month', p.passage_time AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date
                                   AS month,
                               1 AS exits, COALESCE(p.amount_due, 0) AS due, COALESCE(p.amount_paid, 0) AS collected,
                               0 AS temporary, 0 AS month_card, 0 AS other
                          FROM ep_parking_passage p
                         WHERE p.direction = 'out'
                        UNION ALL
                        SELECT o.id * 2 + 1, o.lot_id, o.region_id,
                               date_trunc('month', o.paid_at AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date,
                               0, 0, 0,
                               CASE WHEN o.kind = 'temporary' THEN o.amount ELSE 0 END,
                               CASE WHEN o.kind = 'month_card' THEN o.amount ELSE 0 END,
                               CASE WHEN o.kind NOT IN ('temporary', 'month_card') THEN o.amount ELSE 0 END
                          FROM ep_parking_order o
                         WHERE o.state = 'paid' AND o.paid_at IS NOT NULL
                       ) s
                  JOIN ep_parking_lot l ON l.id = s.lot_id
                  LEFT JOIN res_company c ON c.id = l.company_id
                 GROUP BY s.lot_id, s.region_id, c.currency_id, s.month
            )""", {"tz": DEFAULT_TZ})
