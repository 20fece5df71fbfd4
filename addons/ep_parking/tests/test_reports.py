"""Reports and dashboards (seed 000 §2.9.1, §2.9.2, §2.2.3) against a small hand-computed data set,
as a staff user of one region (who sees only that region's lots) and as a manager."""
from datetime import datetime, timedelta

from odoo import fields

from ..lib import reports
from ..models.ep_parking_tariff import from_lot_time
from .common import EpParkingCase, make_division, setup_payments


def utc(*local):
    """A lot-time (China) moment as a stored UTC string."""
    return fields.Datetime.to_string(from_lot_time(datetime(*local)))


class TestReports(EpParkingCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lot_a = cls._create_lot("T-RPA")  # in the operator's division
        cls.lot_b = cls._create_lot("T-RPB", region=make_division(cls.env, "T-RPX"))
        cls.users["operator"].ep_region_ids = cls.division_node
        cls.channels = setup_payments(cls.env, cls.lot_a, ("cash", "wechat"))
        setup_payments(cls.env, cls.lot_b, ("cash",))
        cls.Passage = cls.env["ep.parking.passage"]
        cls.Order = cls.env["ep.parking.order"]

    def exit(self, lot, when, due, paid, plate="京A00001"):
        return self.Passage.create({"lot_id": lot.id, "plate": plate, "direction": "out", "passage_time": when,
                                    "amount_due": due, "amount_paid": paid})

    def order(self, lot, kind, amount, paid_at, state="paid"):
        order = self.Order.create({"lot_id": lot.id, "kind": kind, "amount": amount, "plate": "京A00002",
                                   "channel_id": self.env.ref("ep_parking.payment_method_cash").id})
        order._set_paid("T-%s" % order.name, paid_at=paid_at)
        if state != "paid":
            order.write({"state": state})
        return order

    def report(self, user):
        rows = self.env["ep.parking.report.income"].sudo(user).search(
            [("lot_id", "in", (self.lot_a | self.lot_b).ids)], order="lot_id, month")
        return [(row.lot_id.code, row.month, row.exit_count, row.amount_due, row.amount_collected, row.amount_gap,
                 row.temporary_income, row.month_card_income, row.other_income, row.amount_received)
                for row in rows]

    def test_income_report_due_against_received_by_lot_and_month(self):
        self.exit(self.lot_a, utc(2030, 1, 15, 10, 0), 10, 8)
        self.exit(self.lot_a, utc(2030, 1, 31, 23, 30), 5, 5)  # 15:30 UTC: still January in the lot
        self.exit(self.lot_a, utc(2030, 2, 1, 0, 10), 7, 0)  # 16:10 UTC on Jan 31: February in the lot
        self.exit(self.lot_b, utc(2030, 1, 10, 9, 0), 99, 99)
        self.order(self.lot_a, "temporary", 8, utc(2030, 1, 15, 10, 5))
        self.order(self.lot_a, "month_card", 100, utc(2030, 1, 20, 9, 0))
        self.order(self.lot_a, "month_card", 50, utc(2030, 1, 21, 9, 0), state="refunded")
        self.order(self.lot_a, "coupon", 20, utc(2030, 2, 2, 9, 0))
        january, february = "2030-01-01", "2030-02-01"
        lot_a_rows = [
            ("T-RPA", january, 2, 15.0, 13.0, 2.0, 8.0, 100.0, 0.0, 108.0),
            ("T-RPA", february, 1, 7.0, 0.0, 7.0, 0.0, 0.0, 20.0, 20.0),
        ]
        self.assertEqual(self.report(self.users["operator"]), lot_a_rows, "the operator's region only")
        self.assertEqual(self.report(self.users["manager"]),
                         lot_a_rows + [("T-RPB", january, 1, 99.0, 99.0, 0.0, 0.0, 0.0, 0.0, 0.0)])
        # the pivot's grouping is SQL too: a month's totals over both lots, as the manager
        groups = self.env["ep.parking.report.income"].sudo(self.users["manager"]).read_group(
            [("lot_id", "in", (self.lot_a | self.lot_b).ids)], ["month", "amount_due", "amount_received"],
            ["month:month"])
        self.assertEqual([(group["amount_due"], group["amount_received"]) for group in groups],
                         [(114.0, 108.0), (7.0, 20.0)])

    def test_revenue_leak_estimates_the_fee_an_opening_let_go(self):
        Opening = self.env["ep.parking.abnormal.opening"]
        gate_out = self._create_device(self.lot_a, "gate-out-1", direction="out")
        gate_in = self._create_device(self.lot_a, "gate-in-1", direction="in")
        self.Passage.create({"lot_id": self.lot_a.id, "plate": "京A11111", "direction": "in",
                             "passage_time": utc(2030, 3, 1, 8, 0)})
        # 4 h 20 min under the seed tariff: 5 for 3 h, then 1 per started hour: 7
        leak = Opening.create({"lot_id": self.lot_a.id, "gate_id": gate_out.id, "plate": "京A11111",
                               "kind": "remote", "opening_time": utc(2030, 3, 1, 12, 20)})
        self.assertEqual((leak.loss_known, leak.estimated_loss, leak.entry_passage_id.plate), (True, 7.0, "京A11111"))
        unknown = Opening.create({"lot_id": self.lot_a.id, "gate_id": gate_out.id, "plate": "京A22222",
                                  "kind": "system", "opening_time": utc(2030, 3, 1, 12, 30)})
        self.assertEqual((unknown.loss_known, unknown.estimated_loss), (False, 0.0))
        entering = Opening.create({"lot_id": self.lot_a.id, "gate_id": gate_in.id, "plate": "京A11111",
                                   "kind": "remote", "opening_time": utc(2030, 3, 1, 12, 40)})
        self.assertEqual(entering.estimated_loss, 0.0, "opening an entry gate lets no fee go")
        Opening.create({"lot_id": self.lot_b.id, "plate": "京A33333", "kind": "remote",
                        "opening_time": utc(2030, 3, 1, 9, 0)})
        domain = [("lot_id", "in", (self.lot_a | self.lot_b).ids)]
        groups = Opening.sudo(self.users["operator"]).read_group(
            domain, ["lot_id", "kind", "opening_count", "estimated_loss"], ["lot_id", "kind"], lazy=False)
        self.assertEqual(sorted((g["lot_id"][0], g["kind"], g["opening_count"], g["estimated_loss"]) for g in groups),
                         [(self.lot_a.id, "remote", 2, 7.0), (self.lot_a.id, "system", 1, 0.0)])
        self.assertEqual(Opening.sudo(self.users["manager"]).search_count(domain), 4)

    def test_welcome_dashboard_counts_today_in_the_users_regions(self):
        now = datetime.utcnow()
        today = fields.Datetime.to_string(now - timedelta(minutes=1))
        last_month = fields.Datetime.to_string(now - timedelta(days=40))
        before = self.env["ep.parking.dashboard"].sudo(self.users["operator"])._get_kpis()
        for lot, count in ((self.lot_a, 2), (self.lot_b, 3)):
            for index in range(count):
                self.Passage.create({"lot_id": lot.id, "plate": "京A5%04d" % index, "direction": "in",
                                     "passage_time": today})
            self.exit(lot, today, 3, 3)
            self.env["ep.parking.abnormal.opening"].create({"lot_id": lot.id, "kind": "remote",
                                                            "opening_time": today})
        self.order(self.lot_a, "temporary", 6, today)
        self.order(self.lot_a, "month_card", 100, last_month)
        self.order(self.lot_b, "temporary", 9, today)
        kpis = self.env["ep.parking.dashboard"].sudo(self.users["operator"])._get_kpis()
        gained = {key: kpis[key] - before[key] for key in kpis}
        self.assertEqual(gained["entries_today"], 2)
        self.assertEqual(gained["exits_today"], 1)
        self.assertEqual(gained["abnormal_today"], 1)
        self.assertEqual(gained["openings_today"], 4)
        self.assertEqual(gained["income_today"], 6.0, "lot B is not the operator's")
        self.assertEqual(kpis["lot_count"], self.env["ep.parking.lot"].sudo(self.users["operator"]).search_count([]))
        manager = self.env["ep.parking.dashboard"].sudo(self.users["manager"])._get_kpis()
        self.assertGreaterEqual(manager["entries_today"] - before["entries_today"], 5)
        dashboard = self.env["ep.parking.dashboard"].sudo(self.users["operator"]).create({})
        self.assertEqual(dashboard.entries_today, kpis["entries_today"])

    def test_offline_check_counts_quiet_lots(self):
        Record = self.env["ep.parking.offline.record"]
        now = datetime(2030, 3, 1, 8, 0)
        self._create_device(self.lot_a, "server-1", kind="local_server",
                            last_seen=fields.Datetime.to_string(now - timedelta(minutes=3)))
        quiet = self._create_device(self.lot_b, "server-1", kind="local_server",
                                    last_seen=fields.Datetime.to_string(now - timedelta(minutes=30)))
        found = Record._cron_check_offline(fields.Datetime.to_string(now))
        self.assertIn(self.lot_b, found.mapped("lot_id"))
        self.assertNotIn(self.lot_a, found.mapped("lot_id"))
        self.assertEqual(found.filtered(lambda r: r.lot_id == self.lot_b).last_seen, quiet.last_seen)
        Record._cron_check_offline(fields.Datetime.to_string(now + timedelta(minutes=5)))
        groups = Record.sudo(self.users["manager"]).read_group(
            [("lot_id", "in", (self.lot_a | self.lot_b).ids)], ["lot_id", "offline_count"], ["lot_id"])
        self.assertEqual([(g["lot_id"][0], g["offline_count"]) for g in groups], [(self.lot_b.id, 2)])
        self.assertFalse(Record.sudo(self.users["operator"]).search([("lot_id", "=", self.lot_b.id)]),
                         "lot B is not in the operator's regions")

    def test_exports_are_built_ahead_within_the_requesters_regions(self):
        import base64
        import io
        import zipfile

        for lot, plate, day in ((self.lot_a, "京A60001", 3), (self.lot_a, "京A60002", 28), (self.lot_b, "京A60003", 4)):
            self.exit(lot, utc(2030, 4, day, 9, 0), 5, 5, plate=plate)
        self.exit(self.lot_a, utc(2030, 5, 1, 0, 30), 5, 5, plate="京A60004")  # lot time: May, not April
        Export = self.env["ep.parking.export.file"]
        # the operator asks for the whole tree: only the lots of their regions go in
        export = Export.sudo(self.users["operator"]).create({"kind": "exits", "region_id": self.company_node.id,
                                                             "month": "2030-04-17"})
        self.assertEqual(export.state, "queued")
        built = Export._cron_generate()
        self.assertIn(export, built.sudo(self.users["operator"]))
        self.assertEqual((export.state, export.row_count), ("ready", 2))
        with zipfile.ZipFile(io.BytesIO(base64.b64decode(export.sudo().attachment_id.datas))) as book:
            sheet = book.read("xl/worksheets/sheet1.xml").decode()  # constant memory: strings inline
        self.assertIn("京A60001", sheet)
        self.assertIn("京A60002", sheet)
        self.assertNotIn("京A60003", sheet, "lot B is not in the operator's regions")
        self.assertNotIn("京A60004", sheet, "May in lot time")
        # the manager's file of the same node holds lot B too
        manager_export = Export.sudo(self.users["manager"]).create({
            "kind": "exits", "region_id": self.company_node.id, "month": "2030-04-01"})
        manager_export.action_generate()
        self.assertEqual(manager_export.row_count, 2, "lot B hangs off another branch than Test Co")
        everything = Export.create({"kind": "exits", "month": "2030-04-01", "requested_by_id": False})
        everything.action_generate()
        self.assertGreaterEqual(everything.row_count, 3)
        # staff do not see others' files, nor a group's scheduled file
        self.assertFalse(Export.sudo(self.users["operator"]).search([("id", "in", (manager_export | everything).ids)]))
        for kind in Export._get_export_kinds():
            other = Export.create({"kind": kind, "lot_id": self.lot_a.id, "month": "2030-04-01"})
            other.action_generate()
            self.assertEqual(other.state, "ready", "%s: %s" % (kind, other.error))

    def test_month_files_are_queued_for_each_group_once(self):
        Export = self.env["ep.parking.export.file"]
        queued = Export._cron_queue_month("2030-06-01")
        groups = self.env["ep.parking.region"].search([("parent_id", "=", False)])
        self.assertEqual(len(queued), len(groups) * len(Export._get_export_kinds()))
        self.assertEqual(set(queued.mapped("month")), {"2030-05-01"})
        self.assertFalse(Export._cron_queue_month("2030-06-02"), "queued once a month")

    def test_big_screen_figures_in_the_users_regions(self):
        now = datetime.utcnow()
        today = fields.Datetime.to_string(now - timedelta(minutes=2))
        self.lot_a.city, self.lot_b.city = "T-深圳", "T-广州"
        Dashboard = self.env["ep.parking.dashboard"]
        before = Dashboard.sudo(self.users["operator"])._get_bigscreen_data()
        for plate in ("京A70001", "京A70002", "京A70001"):  # 3 passes, 2 vehicles
            self.Passage.create({"lot_id": self.lot_a.id, "plate": plate, "direction": "in", "passage_time": today})
        self.Passage.create({"lot_id": self.lot_b.id, "plate": "京A70009", "direction": "in", "passage_time": today})
        self.order(self.lot_a, "temporary", 40, today)
        self.order(self.lot_b, "temporary", 400, today)
        data = Dashboard.sudo(self.users["operator"])._get_bigscreen_data()
        self.assertEqual(data["passes_today"] - before["passes_today"], 3)
        self.assertEqual(data["vehicles_today"] - before["vehicles_today"], 2)
        cities = {row["city"]: row for row in data["cities"]}
        self.assertNotIn("T-广州", cities, "lot B is not in the operator's regions")
        self.assertEqual(cities["T-深圳"]["income"], 40.0)
        self.assertNotIn("京A70009", [row["plate"] for row in data["feed"]])
        self.assertIn("京A70002", [row["plate"] for row in data["feed"]])
        manager = {row["city"]: row for row in Dashboard.sudo(self.users["manager"])._get_bigscreen_data()["cities"]}
        self.assertEqual(manager["T-广州"]["income"], 400.0)
        bands = reports.five_bands({city: row["income"] for city, row in manager.items()})
        self.assertEqual({city: row["band"] for city, row in manager.items()}, bands)
