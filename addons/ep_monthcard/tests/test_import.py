import base64
import json
from datetime import date

from odoo.addons.ep_parking.models.ep_parking_tariff import to_lot_time
from odoo.exceptions import AccessError, UserError

from ..lib import card_import
from ..models.ep_monthcard_import import read_xlsx, xlsx_bytes
from .common import EpMonthcardCase

VALIDITY = "2030/5/1-2030/5/31"


def card_row(plate, phone="13800138000", customer="张三", subs="", rule="地面 100", amount=100,
             validity=VALIDITY, kind="", spaces=1, space_name="", room=""):
    return [customer, phone, plate, subs, rule, amount, validity, kind, spaces, space_name, room]


class TestImport(EpMonthcardCase):
    """§2.3.3 月卡导入 (整表检测 → 行检测 → 入库 → 下发) and §2.1.3 月卡导出."""

    def new_import(self, rows, lot=None, role="lot_staff"):
        record = self.env["ep.monthcard.import"].sudo(self.users[role]).create({"lot_id": (lot or self.lot).id})
        record._set_card_rows(rows, filename="cards.xlsx")
        return record

    def issues(self, record):
        return [(line.row, line.column or "", line.message) for line in record.line_ids]

    def run_to(self, record, state):
        for action, reached in (("action_check_sheet", "checked_sheet"), ("action_check_rows", "checked_rows"),
                                ("action_store", "stored"), ("action_push", "pushed")):
            getattr(record, action)()
            self.assertEqual(record.state, reached, self.issues(record))
            if reached == state:
                return record
        return record

    # ------------------------------------------------------------ the good path
    def test_good_file_to_stored_and_pushed(self):
        record = self.new_import([
            card_row("京A10001", room="1-101", space_name="G-1"),
            card_row("京A10002", customer="李四", phone="13987654321", subs="京A10003,京A10004", kind="一卡多车",
                     rule="地库 200", amount=400, spaces=2, validity="2030/05/01-2031/04/30"),
            card_row("京A10005", customer="", kind="子母车"),
        ])
        self.assertFalse(record.manual_lane)
        self.run_to(record, "stored")
        self.assertEqual((record.row_count, record.valid_count, record.error_count, record.stored_count),
                         (3, 3, 0, 3))
        cards = record.card_ids.sorted("id")
        first, second, third = cards
        self.assertEqual(set(cards.mapped("state")), {"created"})
        self.assertEqual((first.plate, first.rule_id, first.room, first.space_name, first.holder_name,
                          first.phone, first.card_kind), (
            "京A10001", self.ground, "1-101", "G-1", "张三", "13800138000", "multi_car"))
        self.assertEqual((to_lot_time(first.date_start), to_lot_time(first.date_end).date()),
                         (to_lot_time(first.date_start).replace(2030, 5, 1, 0, 0, 0), date(2030, 5, 31)))
        self.assertEqual(to_lot_time(first.date_end).strftime("%H:%M:%S"), "23:59:59")
        self.assertEqual((second.rule_id, second.spaces, second.card_kind, second.plate_ids.mapped("plate")),
                         (self.basement, 2, "multi_car", ["京A10003", "京A10004"]))
        self.assertEqual((third.card_kind, third.partner_id), ("child_mother", self.env["res.partner"]))
        self.assertFalse(self.Command.search([("origin_model", "=", "ep.monthcard"), ("origin_id", "in", cards.ids)]))
        record.action_push()
        self.assertEqual(record.state, "pushed")
        for card in cards:
            command = self.last_command(card)
            self.assertEqual((command.command, command.state, command.device_id), ("monthcard_upsert", "queued",
                                                                                  self.server))
            self.assertEqual(json.loads(command.args)["plate"], card.plate)
        self.assertEqual((record.pushed_count, record.acked_count), (3, 0))
        self.ack(self.last_command(first))
        record.invalidate_cache()
        self.assertEqual((record.acked_count, first.state), (1, "in_use"))

    def test_steps_only_from_the_previous_state(self):
        record = self.new_import([card_row("京A10001")])
        for action in ("action_check_rows", "action_store", "action_push"):
            with self.assertRaisesRegex(UserError, "is done from the state"):
                getattr(record, action)()
        self.run_to(record, "stored")
        with self.assertRaisesRegex(UserError, "is done from the state"):
            record.action_check_sheet()
        with self.assertRaisesRegex(UserError, "start a new import"):
            record._set_card_rows([card_row("京A10009")])

    def test_a_new_file_starts_again_from_draft(self):
        record = self.run_to(self.new_import([card_row("京A10001")]), "checked_rows")
        record._set_card_rows([card_row("京A10009", phone="1")])
        self.assertEqual((record.state, record.row_count, record.line_ids.ids), ("draft", 0, []))

    def test_manual_lane_stops_at_stored(self):
        self.Rule.create({"name": "地面 100", "lot_id": self.lot_without_server.id, "price": 100})
        record = self.new_import([card_row("京A10001")], lot=self.lot_without_server)
        self.assertTrue(record.manual_lane)
        self.run_to(record, "stored")
        self.assertEqual(record.card_ids.state, "created")
        with self.assertRaisesRegex(UserError, "manual lane"):
            record.action_push()
        self.assertFalse(self.commands_of(record.card_ids))

    # ------------------------------------------------------------ 整表检测
    def test_2001_rows_are_refused_at_the_sheet_check(self):
        rows = [card_row("京A%05d" % n) for n in range(card_import.MAX_ROWS + 1)]
        record = self.new_import(rows)
        record.action_check_sheet()
        self.assertEqual(record.state, "draft")
        self.assertEqual(self.issues(record), [(0, "", "2001 rows: at most 2000 rows per import.")])

    def test_title_and_headers(self):
        record = self.env["ep.monthcard.import"].sudo(self.users["lot_staff"]).create({"lot_id": self.lot.id})
        xlsx = card_import.export_rows("Other Lot", [])
        xlsx[1][1] = "电话"
        record.write({"file": base64.b64encode(xlsx_bytes(xlsx + [card_row("京A10001")])), "filename": "x.xlsx"})
        record.action_check_sheet()
        self.assertEqual(record.state, "draft")
        self.assertEqual(self.issues(record), [
            (1, "", "The title must be the lot's name Test Lot, not Other Lot."),
            (2, "电话", "Unknown column 电话."), (2, "手机", "The column 手机 is missing.")])

    def test_an_unreadable_file(self):
        record = self.env["ep.monthcard.import"].sudo(self.users["lot_staff"]).create({
            "lot_id": self.lot.id, "file": base64.b64encode(b"not a spreadsheet"), "filename": "x.xlsx"})
        with self.assertRaisesRegex(UserError, "not a readable spreadsheet"):
            record.action_check_sheet()

    # ------------------------------------------------------------ 行检测
    def test_each_row_error_with_its_row_and_column(self):
        self.new_card(plate="京A99999")  # a valid card of the lot already
        rows = [
            card_row("京A10001"),
            card_row("京A10002", phone="1380013800"),
            card_row("京I10003"),
            card_row("京A10004", subs="京A1", kind="一卡多车"),
            card_row("京A10005", validity="2030/5/31-2030/5/1"),
            card_row("京A10006", validity="2030.5.1-2030.5.31"),
            card_row("京A10007", kind="普通车"),
            card_row("京A10008", spaces=0),
            card_row("京A10009", rule="地面 300"),
            card_row("京A10010", amount=200),
            card_row("京A10001"),
            card_row("京A99999"),
        ]
        record = self.run_to(self.new_import(rows), "checked_sheet")
        record.action_check_rows()
        self.assertEqual(record.state, "checked_sheet")
        self.assertEqual((record.row_count, record.valid_count, record.error_count), (12, 1, 11))
        self.assertEqual([(row, column) for row, column, _message in self.issues(record)], [
            (4, "手机"), (5, "车牌"), (6, "副卡车牌"), (7, "有效期"), (8, "有效期"), (9, "类型"), (10, "车位数"),
            (11, "规则"), (12, "金额"), (13, "车牌"), (14, "车牌")])
        messages = dict(((row, column), message) for row, column, message in self.issues(record))
        self.assertEqual(messages[(12, "金额")],
                         "The amount 200 does not match the rule: 100.00 (price × spaces).")
        self.assertEqual(messages[(13, "车牌")], "京A10001 is already on row 3.")
        self.assertEqual(messages[(14, "车牌")], "京A99999 already holds a valid month card of the lot.")

    def test_nothing_written_when_a_row_fails_at_store(self):
        record = self.run_to(self.new_import([card_row("京A10001"), card_row("京A10002")]), "checked_rows")
        self.new_card(plate="京A10002")  # taken between the row check and the store
        before = self.Card.search_count([])
        record.action_store()
        self.assertEqual(record.state, "checked_rows")
        self.assertEqual(self.Card.search_count([]), before)
        self.assertFalse(record.card_ids)
        self.assertEqual(self.issues(record), [(4, "车牌", "京A10002 already holds a valid month card of the lot.")])

    def test_a_forbidden_rule_is_not_a_rule_of_the_lot(self):
        self.basement.state = "forbidden"
        record = self.run_to(self.new_import([card_row("京A10001", rule="地库 200", amount=200)]), "checked_sheet")
        record.action_check_rows()
        self.assertEqual(self.issues(record), [(3, "规则", "The lot has no active rule 地库 200.")])

    def test_existing_holder_is_reused(self):
        partner = self.env["res.partner"].create({"name": "张三", "mobile": "13800138000"})
        record = self.run_to(self.new_import([card_row("京A10001"), card_row("京A10002")]), "stored")
        self.assertEqual(record.card_ids.mapped("partner_id"), partner)
        self.assertEqual(record.card_ids.mapped("holder_name"), ["张三", "张三"])

    def test_unknown_holder_is_kept_by_name(self):
        record = self.run_to(self.new_import([card_row("京A10001", customer="李四", phone="13987654321")]), "stored")
        self.assertEqual((record.card_ids.holder_name, record.card_ids.partner_id), ("李四", self.env["res.partner"]))
        self.assertFalse(self.env["res.partner"].search([("mobile", "=", "13987654321")]), "no contact created")

    # ------------------------------------------------------------ access
    def test_region_access(self):
        record = self.new_import([card_row("京A10001")])
        self.run_to(record, "checked_sheet")
        other = self.env["ep.monthcard.import"].sudo(self.other_staff)
        self.assertFalse(other.search([("id", "=", record.id)]))
        self.assertFalse(self.env["ep.monthcard.import.line"].sudo(self.other_staff).search(
            [("import_id", "=", record.id)]))
        with self.assertRaises(AccessError):
            other.browse(record.id).read(["state"])
        with self.assertRaises(AccessError):
            other.create({"lot_id": self.lot.id})
        # operators read, but do not import
        self.assertEqual(record.sudo(self.users["operator"]).state, "checked_sheet")
        with self.assertRaises(AccessError):
            record.sudo(self.users["operator"]).write({"filename": "x"})

    def test_template_download(self):
        record = self.env["ep.monthcard.import"].sudo(self.users["lot_staff"]).create({"lot_id": self.lot.id})
        action = record.action_download_template()
        self.assertIn("field=template_file", action["url"])
        rows = read_xlsx(self.env, base64.b64decode(record.template_file))
        self.assertEqual(rows, [["Test Lot"], list(card_import.HEADERS)])  # rows as long as their last cell
        self.assertEqual(record.template_filename, "Test Lot.xlsx")

    # ------------------------------------------------------------ 月卡导出
    def test_export_round_trip(self):
        source = self.run_to(self.new_import([
            card_row("京A10001", room="1-101", space_name="G-1"),
            card_row("京A10002", subs="京A10003", kind="子母车", rule="地库 200", amount=400, spaces=2),
        ]), "stored")
        cancelled = self.new_card(plate="京A10008")
        cancelled.action_cancel_card()
        self.new_card(plate="京A10009", rule=self.basement, state="disabled")
        wizard = self.env["ep.monthcard.export"].sudo(self.users["operator"]).create({"lot_id": self.lot.id})
        self.assertEqual(wizard.card_count, 2)
        action = wizard.action_export()
        self.assertIn("/web/content/", action["url"])
        rows = read_xlsx(self.env, base64.b64decode(wizard.file))
        self.assertEqual(rows[0][0], "Test Lot")
        parsed, issues = card_import.check_all(rows, "Test Lot", {"地面 100": 100, "地库 200": 200})
        self.assertEqual(issues, [])
        exported = self.env["ep.monthcard.export"]._prepare_export_cards(source.card_ids.sorted("id"))
        self.assertEqual([card._replace(row=0) for card in parsed], exported)
        # and the file imports into another lot with the same rules (renamed title)
        lot = self.lot_without_server
        for rule in (self.ground, self.basement):
            self.Rule.create({"name": rule.name, "lot_id": lot.id, "price": rule.price})
        target = self.new_import(rows[2:], lot=lot)
        self.run_to(target, "stored")
        self.assertEqual(sorted(target.card_ids.mapped("plate")), ["京A10001", "京A10002"])
        self.assertEqual(target.card_ids.mapped("plate_ids.plate"), ["京A10003"])

    def test_export_without_cards(self):
        wizard = self.env["ep.monthcard.export"].create({"lot_id": self.lot_without_server.id})
        with self.assertRaisesRegex(UserError, "no valid month card"):
            wizard.action_export()

    # ------------------------------------------------------------ free-car extension (§2.3.1)
    def test_free_car_extension_needs_an_approval_and_a_manager(self):
        free_rule = self.Rule.create({"name": "免费车", "lot_id": self.lot.id, "price": 0})
        card = self.new_card(plate="京F00001", rule=free_rule, days_left=10)
        old_end = card.date_end
        rows = [card_row("京F00001", rule="免费车", amount=0, validity="2030/01/01-2031/12/31"),
                card_row("京F00002", rule="免费车", amount=0, validity="2030/01/01-2031/12/31")]
        plain = self.run_to(self.new_import(rows), "checked_sheet")
        plain.action_check_rows()
        self.assertEqual(plain.state, "checked_sheet", "a new-cards import refuses a plate on a valid card")
        self.assertIn("京F00001", " ".join(plain.line_ids.mapped("message")))

        record = self.new_import(rows, role="manager")
        record.mode = "extend_free"
        self.run_to(record, "checked_rows")
        with self.assertRaisesRegex(UserError, "approved request"):
            record.action_store()
        process = self.env["ep.approval.process"].create({
            "name": "免费车导入延期", "level_ids": [(0, 0, {"user_id": self.users["manager"].id})]})
        request = self.env["ep.approval.request"].sudo(self.users["lot_staff"]).create({
            "name": "Extend the free cars", "process_id": process.id, "content": "Two service cars."})
        request.action_publish()
        request.sudo(self.users["manager"]).action_approve()
        record.approval_request_id = request
        with self.assertRaisesRegex(UserError, "Only a manager"):
            record.sudo(self.users["lot_staff"]).action_store()
        record.action_store()
        self.assertEqual((record.state, record.extended_count, record.stored_count), ("stored", 1, 2))
        self.assertGreater(card.date_end, old_end)
        self.assertEqual(to_lot_time(card.date_end).date(), date(2031, 12, 31))
        self.assertEqual(set(record.card_ids.mapped("plate")), {"京F00001", "京F00002"})
        self.assertEqual(self.Card.search_count([("plate", "=", "京F00001"), ("lot_id", "=", self.lot.id)]), 1)
