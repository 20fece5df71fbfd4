"""Month-card report (seed 000 §2.9.2 月卡比对, 月卡趋势) against hand-computed figures: income by the
month paid, prepaid income, cards valid at each month's end; region rules; the comparison wizard."""
from datetime import datetime, time

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.addons.ep_parking.models.ep_parking_tariff import from_lot_time, to_lot_time
from odoo.exceptions import UserError

from .common import EpMonthcardCase


def utc(local):
    return fields.Datetime.to_string(from_lot_time(local))


class TestMonthcardReport(EpMonthcardCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = to_lot_time(fields.Datetime.now()).date()
        cls.m0 = today.replace(day=1)  # this month (lot time)
        cls.m1, cls.m2 = cls.m0 - relativedelta(months=1), cls.m0 - relativedelta(months=2)
        cls.other_lot = cls.env["ep.parking.lot"].create({"name": "Other", "code": "T-LOT-9",
                                                          "region_id": cls.other_division.id})
        cls.other_rule = cls.Rule.create({"name": "其他 300", "lot_id": cls.other_lot.id, "price": 300})

    def start_of(self, month, day=1, hour=0):
        return datetime.combine(month.replace(day=day), time(hour))

    def renewal(self, card, amount, paid_local, from_local):
        return self.env["ep.monthcard.renewal"].create({
            "card_id": card.id, "lot_id": card.lot_id.id, "rule_id": card.rule_id.id, "quantity": 1,
            "amount": amount, "state": "done", "done_at": utc(paid_local), "date_from": utc(from_local),
            "date_to": utc(from_local + relativedelta(months=1))})

    def rows(self, user, lots):
        report = self.env["ep.monthcard.report"].sudo(user).search([("lot_id", "in", lots.ids)])
        return sorted((row.lot_id.code, row.rule_id.name, row.month, row.renewal_count, row.income, row.prepaid_income,
                       row.card_count) for row in report)

    def test_income_prepaid_and_valid_cards_per_month(self):
        m0, m1, m2 = (fields.Date.to_string(m) for m in (self.m0, self.m1, self.m2))
        # valid from M-2 to the last second of M-1 (lot time): counted at the end of M-2 and M-1
        first = self.new_card(plate="京A10001", date_start=utc(self.start_of(self.m2)),
                              date_end=utc(self.start_of(self.m0) - relativedelta(seconds=1)))
        # valid from M-1 for a year: counted at the end of M-1 and M
        second = self.new_card(plate="京A10002", date_start=utc(self.start_of(self.m1)),
                               date_end=utc(self.start_of(self.m1) + relativedelta(years=1)))
        self.new_card(plate="京A10003", state="cancelled", date_start=utc(self.start_of(self.m2)),
                      date_end=utc(self.start_of(self.m1) + relativedelta(years=1)))
        other = self.new_card(plate="京A10004", lot=self.other_lot, rule=self.other_rule,
                              date_start=utc(self.start_of(self.m1)),
                              date_end=utc(self.start_of(self.m1) + relativedelta(years=1)))
        self.renewal(second, 300, self.start_of(self.m1, 15, 10), self.start_of(self.m0))  # pays next month: prepaid
        self.renewal(first, 100, self.start_of(self.m1, 15, 11), self.start_of(self.m1, 15))
        self.renewal(other, 999, self.start_of(self.m1, 16, 9), self.start_of(self.m1, 16))
        mine = sorted([
            ("T-LOT-1", "地面 100", m0, 0, 0.0, 0.0, 1),
            ("T-LOT-1", "地面 100", m1, 2, 400.0, 300.0, 2),
            ("T-LOT-1", "地面 100", m2, 0, 0.0, 0.0, 1),
        ])
        self.assertEqual(self.rows(self.users["operator"], self.lot | self.other_lot), mine,
                         "the operator's division only; the cancelled card is not counted")
        self.assertEqual(self.rows(self.users["manager"], self.lot | self.other_lot), sorted(mine + [
            ("T-LOT-9", "其他 300", m0, 0, 0.0, 0.0, 1), ("T-LOT-9", "其他 300", m1, 1, 999.0, 0.0, 1)]))

    def test_compare_two_months_by_region(self):
        Compare = self.env["ep.monthcard.report.compare"].sudo(self.users["manager"])
        wizard = Compare.create({"month_a": fields.Date.to_string(self.m1 + relativedelta(days=9)),
                                 "month_b": fields.Date.to_string(self.m2), "measure": "count", "group_by": "division"})
        action = wizard.action_compare()
        self.assertEqual(action["domain"], [("month", "in", sorted([fields.Date.to_string(self.m2),
                                                                    fields.Date.to_string(self.m1)]))])
        self.assertEqual((action["context"]["pivot_measures"], action["context"]["pivot_row_groupby"]),
                         (["card_count"], ["division_id"]))
        self.new_card(plate="京A10005", date_start=utc(self.start_of(self.m2)),
                      date_end=utc(self.start_of(self.m0) + relativedelta(days=3)))
        groups = self.env["ep.monthcard.report"].sudo(self.users["manager"]).read_group(
            action["domain"] + [("lot_id", "=", self.lot.id)], ["division_id", "card_count"], ["division_id"])
        self.assertEqual([(g["division_id"][0], g["card_count"]) for g in groups], [(self.division_node.id, 2)])
        same = Compare.create({"month_a": fields.Date.to_string(self.m1),
                               "month_b": fields.Date.to_string(self.m1 + relativedelta(days=3))})
        with self.assertRaises(UserError):
            same.action_compare()

    def test_renewal_orders_are_an_export_kind(self):
        import base64
        import io
        import zipfile

        card = self.new_card(plate="京A10006")
        self.renewal(card, 123, self.start_of(self.m1, 5, 10), self.start_of(self.m1, 5))
        export = self.env["ep.parking.export.file"].create({"kind": "renewals", "lot_id": self.lot.id,
                                                            "month": fields.Date.to_string(self.m1)})
        export.action_generate()
        self.assertEqual((export.state, export.row_count), ("ready", 1), export.error)
        with zipfile.ZipFile(io.BytesIO(base64.b64decode(export.attachment_id.datas))) as book:
            self.assertIn("京A10006", book.read("xl/worksheets/sheet1.xml").decode())
