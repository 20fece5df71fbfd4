import json
from datetime import timedelta

from odoo.addons.ep_device_bridge.lib.protocol import Ack
from odoo.addons.ep_parking.tests.test_list_entry import stamp
from odoo.exceptions import AccessError, UserError

from .common import EpMonthcardCase


class TestComparison(EpMonthcardCase):
    """§2.1.3 厂家上报月卡 / 月卡比对 and §2.3.5 查看本地: the vendor reports its cards through the lot's
    local server, the platform lists the differences and repairs them."""

    def setUp(self):
        super().setUp()
        self.Comparison = self.env["ep.monthcard.comparison"]
        self.same = self.new_card(plate="京A00001")
        self.missing = self.new_card(plate="京A00002")
        self.validity = self.new_card(plate="京A00003")
        self.rule = self.new_card(plate="京A00004", rule=self.basement)
        self.rule.plate_ids = [(0, 0, {"plate": "京B00004"})]
        self.staff_lot = self.lot.sudo(self.users["lot_staff"])

    def vendor_card(self, card, **vals):
        values = {"card_id": card.id, "plate": card.plate, "plates": [card.plate] + card.plate_ids.mapped("plate"),
                  "start": card.date_start, "end": card.date_end, "rule_id": card.rule_id.id}
        values.update(vals)
        return values

    def report(self):
        later = stamp(self.now + timedelta(days=40))
        return {"cards": [
            self.vendor_card(self.same),
            self.vendor_card(self.validity, end=later),
            self.vendor_card(self.rule, rule_id=self.ground.id, start=stamp(self.now), plates=["京A00004"]),
            {"card_id": 999999, "plate": "京Z99999", "plates": ["京Z99999"], "start": self.same.date_start,
             "end": later, "rule_id": self.ground.id},
            {"plate": "京Z88888", "end": stamp(self.now - timedelta(days=1))},  # ended: let alone
        ]}

    def answer(self, command, result=0, message="ok", data=None):
        done = self.Command._apply_ack(command.device_id.site_code, command.device_id.code,
                                       Ack(command.uuid, result, message, data or {}))
        self.assertEqual(done, command)
        self.env.cache.invalidate()
        return done

    def start(self):
        action = self.staff_lot.action_compare_monthcards()
        return self.Comparison.sudo(self.users["lot_staff"]).browse(action["res_id"])

    def kinds(self, record):
        return sorted((line.kind, line.plate) for line in record.line_ids)

    def test_comparison_lists_each_kind_of_difference(self):
        record = self.start()
        command = record.command_id
        self.assertEqual((record.state, command.command, command.device_id), ("waiting", "monthcard_list",
                                                                               self.server))
        self.assertEqual((command.origin_model, command.origin_id), (record._name, record.id))
        self.assertEqual(json.loads(command.args), {"lot": "T-LOT-1"})
        self.assertFalse(record.line_ids)
        self.answer(command, data=self.report())
        self.assertEqual(record.state, "done")
        self.assertEqual(self.kinds(record), [
            ("extra", "京Z99999"), ("missing", "京A00002"), ("plates", "京A00004"), ("rule", "京A00004"),
            ("validity", "京A00003"), ("validity", "京A00004")])
        self.assertEqual((record.platform_count, record.vendor_count, record.match_count, record.ignored_count,
                          record.mismatch_count), (4, 5, 1, 1, 6))
        validity = record.line_ids.filtered(lambda line: line.plate == "京A00003")
        self.assertEqual((validity.card_id, validity.platform_end, validity.vendor_end),
                         (self.validity, self.validity.date_end, stamp(self.now + timedelta(days=40))))
        rule = record.line_ids.filtered(lambda line: line.kind == "rule")
        self.assertEqual((rule.platform_rule_id, rule.vendor_rule), (self.basement, str(self.ground.id)))
        extra = record.line_ids.filtered(lambda line: line.kind == "extra")
        self.assertEqual((extra.card_id.id, extra.vendor_card_id, extra.vendor_plates), (False, 999999, "京Z99999"))
        self.assertTrue(all(line.repair_state == "none" for line in record.line_ids))

    def test_repair_queues_each_command_once(self):
        record = self.start()
        self.answer(record.command_id, data=self.report())
        before = self.Command.search_count([])
        record.action_repair()
        self.env.cache.invalidate()
        extra = record.line_ids.filtered(lambda line: line.kind == "extra")
        delete = extra.repair_command_id
        self.assertEqual((delete.command, delete.origin_model, delete.origin_id),
                         ("monthcard_delete", extra._name, extra.id))
        self.assertEqual(json.loads(delete.args), {"card_id": 999999, "plates": ["京Z99999"]})
        for card in (self.missing, self.validity, self.rule):
            lines = record.line_ids.filtered(lambda line, card=card: line.card_id == card)
            self.assertEqual(lines.mapped("repair_command_id"), card.push_command_id, "one push per card")
            self.assertEqual(card.push_command_id.command, "monthcard_upsert")
            self.assertEqual(set(lines.mapped("repair_state")), {"pending"})
        self.assertFalse(self.same.push_command_id, "a matching card is not sent")
        self.assertEqual(self.Command.search_count([]), before + 4)
        self.assertTrue(delete.id < self.missing.push_command_id.id, "deletes go first")
        with self.assertRaisesRegex(UserError, "Nothing to repair"):
            record.action_repair()
        with self.assertRaisesRegex(UserError, "Nothing to repair"):
            record.line_ids[0].action_repair()
        self.assertEqual(self.Command.search_count([]), before + 4, "a second repair sends nothing")
        self.answer(self.missing.push_command_id)
        self.answer(delete, result=2, message="unknown plate")
        missing = record.line_ids.filtered(lambda line: line.kind == "missing")
        self.assertEqual((missing.repair_state, extra.repair_state), ("done", "failed"))
        self.assertEqual(self.missing.state, "in_use")
        extra.action_repair()  # a failed repair may be tried again
        self.env.cache.invalidate()
        self.assertNotEqual(extra.repair_command_id, delete)
        self.assertEqual(self.Command.search_count([]), before + 5)

    def test_duplicate_plate_at_the_vendor_deletes_then_resends(self):
        record = self.start()
        report = {"cards": [self.vendor_card(card) for card in (self.same, self.missing, self.validity, self.rule)]
                  + [self.vendor_card(self.same, card_id=None, end=stamp(self.now + timedelta(days=99)))]}
        self.answer(record.command_id, data=report)
        self.assertEqual(self.kinds(record), [("extra", "京A00001")])
        record.action_repair()
        self.env.cache.invalidate()
        delete = record.line_ids.repair_command_id
        self.assertEqual(json.loads(delete.args), {"card_id": None, "plates": ["京A00001"]})
        self.assertEqual(self.same.push_command_id.command, "monthcard_upsert")
        self.assertTrue(delete.id < self.same.push_command_id.id)

    def test_refused_lost_or_unreadable_report_fails(self):
        record = self.start()
        self.answer(record.command_id, result=3, message="busy")
        self.assertEqual((record.state, record.message, record.line_ids.ids), ("failed", "busy", []))
        with self.assertRaisesRegex(UserError, "finished comparison"):
            self.start().action_repair()
        record.action_restart()
        self.assertEqual(record.state, "waiting")
        self.Command.browse(record.command_id.id)._mark_dead("deadline passed")
        record.invalidate_cache()
        self.assertEqual((record.state, record.message), ("failed", "deadline passed"))
        record.action_restart()
        self.answer(record.command_id, data={"cards": [{"plate": "京A00001", "end": "soon"}]})
        self.assertEqual(record.state, "failed")
        self.assertIn("cannot be read", record.message)
        record.action_restart()
        self.answer(record.command_id)  # no data at all
        self.assertEqual(record.state, "failed")

    def test_lot_without_local_server(self):
        with self.assertRaisesRegex(UserError, "no local server"):
            self.lot_without_server.sudo(self.users["lot_staff"]).action_compare_monthcards()
        bare = self.new_card(plate="京A00009", lot=self.lot_without_server, rule=self.Rule)
        with self.assertRaisesRegex(UserError, "no local server"):
            bare.sudo(self.users["lot_staff"]).action_view_local()

    def test_view_local_of_one_card(self):
        card = self.rule.sudo(self.users["lot_staff"])
        action = card.action_view_local()
        record = self.Comparison.browse(action["res_id"])
        self.assertEqual((record.card_id, record.lot_id, record.state), (self.rule, self.lot, "waiting"))
        self.assertEqual(json.loads(record.command_id.args), {"lot": "T-LOT-1", "plates": ["京A00004", "京B00004"]})
        self.answer(record.command_id, data={"cards": [self.vendor_card(self.rule), self.vendor_card(self.same)]})
        self.assertEqual(self.kinds(record), [("match", "京A00004")], "what the vendor holds, only this card")
        self.assertEqual((record.line_ids.vendor_end, record.match_count), (self.rule.date_end, 1))
        record.action_restart()
        self.answer(record.command_id, data={"cards": [
            self.vendor_card(self.rule, end=stamp(self.now + timedelta(days=2)))]})
        self.assertEqual(self.kinds(record), [("validity", "京A00004")])
        record.action_repair()
        self.env.cache.invalidate()
        self.assertEqual(record.line_ids.repair_command_id, self.rule.push_command_id)
        record.action_restart()
        self.answer(record.command_id, data={"cards": []})
        self.assertEqual(self.kinds(record), [("missing", "京A00004")])

    def test_region_access(self):
        record = self.start()
        self.answer(record.command_id, data=self.report())
        other = self.Comparison.sudo(self.other_staff)
        self.assertFalse(other.search([("id", "=", record.id)]))
        self.assertFalse(self.env["ep.monthcard.comparison.line"].sudo(self.other_staff).search(
            [("comparison_id", "=", record.id)]))
        with self.assertRaises(AccessError):
            record.sudo(self.other_staff).action_repair()
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            other.create({"lot_id": self.lot.id}).action_start()
        operator = record.sudo(self.users["operator"])
        self.assertEqual(operator.mismatch_count, 6, "operators read the lot's comparisons")
        with self.assertRaises(AccessError):
            operator.action_repair()
        with self.assertRaises(AccessError):
            self.rule.sudo(self.other_staff).action_view_local()
        self.assertFalse(self.commands_of(self.rule))
