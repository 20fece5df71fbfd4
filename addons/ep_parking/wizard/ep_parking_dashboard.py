from odoo import _, api, fields, models

from ..lib import reports
from ..lib.vendor_api import DEFAULT_TZ
from ..models.ep_parking_tariff import to_lot_time


class EpParkingDashboard(models.TransientModel):
    """The welcome page (欢迎页面, seed 000 §2.9.1): lot income, entries, exits and gate openings,
    members — of the user's own regions. Every figure is one aggregate query run as the user
    (``search_count`` / ``read_group``), so the region rules decide what it sums."""

    _name = "ep.parking.dashboard"
    _description = "Welcome Dashboard"

    name = fields.Char(default="Welcome", readonly=True)
    currency_id = fields.Many2one("res.currency", default=lambda self: self.env.user.company_id.currency_id,
                                  readonly=True)
    lot_count = fields.Integer(string="Lots", compute="_compute_kpis")
    income_today = fields.Monetary(compute="_compute_kpis")
    income_month = fields.Monetary(string="Income This Month", compute="_compute_kpis")
    entries_today = fields.Integer(compute="_compute_kpis")
    exits_today = fields.Integer(compute="_compute_kpis")
    abnormal_today = fields.Integer(string="Abnormal Openings Today", compute="_compute_kpis")
    openings_today = fields.Integer(string="Gate Openings Today", compute="_compute_kpis",
                                    help="Entries, exits and abnormal openings since midnight.")
    offline_today = fields.Integer(string="Offline Checks Today", compute="_compute_kpis")
    member_count = fields.Integer(string="Members", compute="_compute_kpis")
    vehicle_count = fields.Integer(string="Vehicles", compute="_compute_kpis")

    @api.model
    def _get_kpis(self, now=None):
        """The figures (a dict by field name) for the current user at ``now`` (UTC string)."""
        now = fields.Datetime.from_string(now or fields.Datetime.now())
        day = [fields.Datetime.to_string(moment) for moment in reports.day_bounds(now, DEFAULT_TZ)]
        month = [fields.Datetime.to_string(moment) for moment in reports.month_bounds(now, DEFAULT_TZ)]
        Order, Passage = self.env["ep.parking.order"], self.env["ep.parking.passage"]

        def income(bounds):
            groups = Order.read_group([("state", "=", "paid"), ("paid_at", ">=", bounds[0]),
                                       ("paid_at", "<", bounds[1])], ["amount"], [])
            return groups[0]["amount"] or 0.0 if groups else 0.0

        passages = {group["direction"]: group["direction_count"] for group in Passage.read_group(
            [("passage_time", ">=", day[0]), ("passage_time", "<", day[1])], ["direction"], ["direction"])}
        abnormal = self.env["ep.parking.abnormal.opening"].search_count(
            [("opening_time", ">=", day[0]), ("opening_time", "<", day[1])])
        kpis = {
            "lot_count": self.env["ep.parking.lot"].search_count([]),
            "income_today": income(day), "income_month": income(month),
            "entries_today": passages.get("in", 0), "exits_today": passages.get("out", 0),
            "abnormal_today": abnormal,
            "openings_today": passages.get("in", 0) + passages.get("out", 0) + abnormal,
            "offline_today": self.env["ep.parking.offline.record"].search_count(
                [("checked_at", ">=", day[0]), ("checked_at", "<", day[1])]),
            "member_count": self.env["res.partner"].search_count([("ep_member", "=", True)]),
            "vehicle_count": self.env["ep.parking.vehicle"].search_count([]),
        }
        return kpis

    @api.model
    def _count_passages(self, domain):
        """(passes, distinct plates) of the passages in ``domain`` the user may read: one SQL count with
        the record rules in its WHERE clause (``read_group`` has no distinct count)."""
        Passage = self.env["ep.parking.passage"]
        Passage.check_access_rights("read")
        query = Passage._where_calc(domain)
        Passage._apply_ir_rules(query, "read")
        tables, where, params = query.get_sql()
        self.env.cr.execute('SELECT COUNT(*), COUNT(DISTINCT "ep_parking_passage".plate) FROM %s WHERE %s'
                            % (tables, where or "TRUE"), params)
        return self.env.cr.fetchone()

    @api.model
    def _get_bigscreen_data(self, now=None, feed=20, photos=6):
        """The big screen (大屏幕, seed 000 §2.9.4), as the user: today's passes and distinct vehicles
        since midnight (lot time), historical income by city in five bands, the latest passages and
        the latest photos."""
        now = fields.Datetime.from_string(now or fields.Datetime.now())
        day = [fields.Datetime.to_string(moment) for moment in reports.day_bounds(now, DEFAULT_TZ)]
        passes, vehicles = self._count_passages([("passage_time", ">=", day[0]), ("passage_time", "<", day[1])])
        lots = {group["lot_id"][0]: group["amount"] for group in self.env["ep.parking.order"].read_group(
            [("state", "=", "paid")], ["lot_id", "amount"], ["lot_id"]) if group["lot_id"]}
        cities = {}
        for lot in self.env["ep.parking.lot"].browse(lots):
            city = lot.city or _("Unknown")
            cities[city] = cities.get(city, 0.0) + (lots[lot.id] or 0.0)
        bands = reports.five_bands(cities)
        Passage = self.env["ep.parking.passage"]
        latest = Passage.search([], limit=feed)
        with_photo = Passage.search([("photo", "!=", False)], limit=photos) if photos else Passage.browse()

        def local(stamp):  # lot time, as the wall shows it
            return to_lot_time(stamp).strftime("%m-%d %H:%M:%S")

        return {
            "passes_today": passes, "vehicles_today": vehicles,
            "cities": sorted(({"city": city, "income": round(amount, 2), "band": bands[city]}
                              for city, amount in cities.items()), key=lambda row: -row["income"]),
            "feed": [{"id": p.id, "time": local(p.passage_time), "lot": p.lot_id.name, "plate": p.plate,
                      "direction": p.direction} for p in latest],
            "photos": [{"id": p.id, "url": "/web/image/ep.parking.passage/%s/photo" % p.id, "plate": p.plate,
                        "lot": p.lot_id.name, "time": local(p.passage_time)} for p in with_photo],
        }

    @api.depends("name")
    def _compute_kpis(self):
        kpis = self._get_kpis()
        for dashboard in self:
            dashboard.update(kpis)

    @api.model
    def action_open(self):
        """The menu's entry: a fresh dashboard of the current user."""
        return {"type": "ir.actions.act_window", "res_model": self._name, "view_mode": "form",
                "res_id": self.create({}).id, "target": "inline",
                "views": [(self.env.ref("ep_parking.ep_parking_dashboard_view_form").id, "form")]}
