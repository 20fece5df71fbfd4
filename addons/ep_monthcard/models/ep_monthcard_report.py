from odoo import fields, models, tools
from odoo.addons.ep_parking.lib.vendor_api import DEFAULT_TZ

MONTHS_BACK = 23  # card counts for this month and the 23 before it (two years of comparisons)


class EpMonthcardReport(models.Model):
    """Month-card figures per lot, rule and month (lot time), for the comparison between two months
    by region or division and the yearly trend per lot and rule (seed 000 §2.9.2 A 月卡比对, 月卡趋势):

    - income: done renewals by the month they were paid; ``prepaid_income`` the part paying for
      periods that start after that month (December's fees for next year show as prepaid);
    - ``card_count``: cards valid at the end of the month (cancelled ones left out).

    One PostgreSQL view; pivot and graph group it, the region rules of the renewals apply."""

    _name = "ep.monthcard.report"
    _description = "Month Card Report"
    _auto = False
    _order = "month desc, lot_id, rule_id"
    _rec_name = "month"

    lot_id = fields.Many2one("ep.parking.lot", readonly=True)
    division_id = fields.Many2one("ep.parking.region", readonly=True)
    area_id = fields.Many2one("ep.parking.region", string="Region", readonly=True,
                              help="The region (大区) above the lot's division.")
    rule_id = fields.Many2one("ep.monthcard.rule", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    month = fields.Date(readonly=True, help="The first day of the month, in lot time.")
    renewal_count = fields.Integer(string="Renewals", readonly=True)
    income = fields.Monetary(readonly=True)
    prepaid_income = fields.Monetary(string="Prepaid", readonly=True,
                                     help="Paid this month for periods starting after it.")
    card_count = fields.Integer(string="Valid Cards", readonly=True, help="Cards valid at the end of the month.")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute("""
            CREATE VIEW ep_monthcard_report AS (
                SELECT ROW_NUMBER() OVER (ORDER BY s.month, s.lot_id, s.rule_id) AS id, s.lot_id,
                       l.region_id AS division_id, d.parent_id AS area_id, s.rule_id, c.currency_id, s.month,
                       SUM(s.renewals) AS renewal_count, SUM(s.income) AS income, SUM(s.prepaid) AS prepaid_income,
                       SUM(s.cards) AS card_count
                  FROM (
                        SELECT r.lot_id, r.rule_id,
                               date_trunc('month', r.done_at AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date AS month,
                               1 AS renewals, r.amount AS income,
                               CASE WHEN r.date_from AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s
                                         >= date_trunc('month', r.done_at AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)
                                            + interval '1 month'
                                    THEN r.amount ELSE 0 END AS prepaid,
                               0 AS cards
                          FROM ep_monthcard_renewal r
                         WHERE r.state = 'done' AND r.done_at IS NOT NULL
                        UNION ALL
                        SELECT mc.lot_id, mc.rule_id, m.month::date, 0, 0, 0, 1
                          FROM ep_monthcard mc
                          JOIN generate_series(date_trunc('month', now() AT TIME ZONE %(tz)s)
                                               - interval '%(back)s months',
                                               date_trunc('month', now() AT TIME ZONE %(tz)s),
                                               interval '1 month') AS m(month)
                            ON mc.date_start AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s < m.month + interval '1 month'
                           AND mc.date_end AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s
                               >= m.month + interval '1 month' - interval '1 second'
                         WHERE mc.state != 'cancelled' AND mc.date_end IS NOT NULL
                       ) s
                  JOIN ep_parking_lot l ON l.id = s.lot_id
                  LEFT JOIN ep_parking_region d ON d.id = l.region_id
                  LEFT JOIN res_company c ON c.id = l.company_id
                 GROUP BY s.lot_id, l.region_id, d.parent_id, s.rule_id, c.currency_id, s.month
            )""", {"tz": DEFAULT_TZ, "back": MONTHS_BACK})
