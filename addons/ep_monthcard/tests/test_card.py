import json
from datetime import timedelta
from decimal import Decimal

from psycopg2 import IntegrityError

from odoo import fields
from odoo.addons.ep_parking.tests.test_list_entry import stamp
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import mute_logger

from .common import EpMonthcardCase


class TestCard(EpMonthcardCase):
    """§2.3.5 月卡操作: card fields, states, vendor pushes, sub plates, rule change; §2.3.8 B c."""

    def staff(self, records, role="lot_staff"):
        return records.sudo(self.users[role])

    # ------------------------------------------------------------ fields
    def test_fee_spaces_and_rule_of_the_lot(self):
        card = self.new_card(rule=self.basement, spaces=3, inner_spaces=1)
        self.assertEqual(card._get_monthly_fee(), Decimal("600.00"))
        self.assertEqual(card.monthly_fee, 600)
        self.assertEqual(card.card_kind, "multi_car")
        self.assertEqual(self.new_card(plate="京A00001", rule=self.Rule)._get_monthly_fee(), Decimal("0.00"))
        for vals, message in (({"spaces": 0}, "at least one space"), ({"inner_spaces": 4}, "inner spaces"),
                              ({"inner_spaces": -1}, "inner spaces")):
            with self.assertRaisesRegex(ValidationError, message), self.env.cr.savepoint():
                card.write(vals)
            card.invalidate_cache()  # the savepoint rolled the write back, not the cache
        other_rule = self.Rule.create({"name": "Other", "lot_id": self.lot_without_server.id, "price": 50})
        with self.assertRaisesRegex(ValidationError, "not to the card's lot"), self.env.cr.savepoint():
            self.new_card(plate="京A00002", rule=other_rule)

    # ------------------------------------------------------------ states
    def test_allowed_transitions(self):
        card = self.staff(self.new_card(state="created"))
        card.action_disable()
        self.assertEqual(card.state, "disabled")
        self.assertFalse(self.lot._plate_has_valid_month_card("京A12345"), "a disabled card's car pays")
        card.action_enable()
        self.assertEqual(card.state, "in_use")
        self.assertTrue(self.lot._plate_has_valid_month_card("京A12345"))
        card.action_disable()
        card.action_cancel_card()
        self.assertEqual(card.state, "cancelled")
        other = self.staff(self.new_card(plate="京A00003", state="created"))
        other.action_cancel_card()
        self.assertEqual(other.state, "cancelled")

    def test_refused_transitions(self):
        card = self.staff(self.new_card(state="in_use"))
        with self.assertRaisesRegex(UserError, "Only a disabled card"):
            card.action_enable()
        with self.assertRaisesRegex(UserError, "cannot go from In Use to Created"):
            card.write({"state": "created"})
        card.action_disable()
        with self.assertRaisesRegex(UserError, "Only a created or in-use card"):
            card.action_disable()
        card.action_cancel_card()
        for action in (card.action_disable, card.action_enable, card.action_cancel_card, card.action_push,
                       card.action_clear):
            with self.assertRaises(UserError):
                action()
        with self.assertRaisesRegex(UserError, "is cancelled"):
            card.write({"state": "in_use"})
        self.assertEqual(card.state, "cancelled")

    def test_cancelled_card_is_read_only_but_keeps_its_chatter(self):
        card = self.staff(self.new_card())
        card.plate_ids = [(0, 0, {"plate": "京B00001"})]
        card.action_cancel_card()
        command = card.push_command_id
        self.assertEqual((command.command, json.loads(command.args)),
                         ("monthcard_delete", {"card_id": card.id, "plates": ["京A12345", "京B00001"]}))
        for vals in ({"phone": "13000000000"}, {"date_end": stamp(self.now + timedelta(days=90))},
                     {"plate_ids": [(0, 0, {"plate": "京B00002"})]}):
            with self.assertRaisesRegex(UserError, "is cancelled"):
                card.write(vals)
        with self.assertRaisesRegex(UserError, "is cancelled"):
            card.plate_ids.unlink()
        with self.assertRaisesRegex(UserError, "is cancelled"):
            self.staff(self.env["ep.monthcard.plate"]).create({"card_id": card.id, "plate": "京B00003"})
        card.message_post(body="Owner called")
        card.message_subscribe(partner_ids=self.env["res.partner"].create({"name": "Holder"}).ids)
        self.ack(command)  # the vendor's answer is still recorded
        self.assertEqual((card.push_state, card.pushed_args), ("sent", False))
        self.assertEqual(card.message_ids[0].body, "<p>Owner called</p>")

    def test_cancel_without_local_server(self):
        card = self.staff(self.new_card(lot=self.lot_without_server, rule=self.Rule))
        card.action_cancel_card()
        self.assertEqual(card.state, "cancelled")
        self.assertFalse(self.commands_of(card), "never pushed and no server: nothing to delete")

    # ------------------------------------------------------------ vendor
    def test_push_makes_a_created_card_in_use_on_ack(self):
        card = self.staff(self.new_card(state="created", spaces=2, space_name="B-01", emergency_open=True))
        card.plate_ids = [(0, 0, {"plate": "京B00001"})]
        card.action_push()
        command = card.push_command_id
        self.assertEqual((command.command, command.device_id), ("monthcard_upsert", self.server))
        self.assertEqual(json.loads(command.args), {
            "card_id": card.id, "plate": "京A12345", "plates": ["京A12345", "京B00001"],
            "start": card.date_start, "end": card.date_end, "rule_id": self.ground.id, "card_kind": "multi_car",
            "space_name": "B-01", "spaces": 2, "inner_spaces": 0, "emergency_open": True, "enabled": True})
        self.assertEqual((card.state, card.push_state), ("created", "pending"))
        self.ack(command)
        self.assertEqual((card.state, card.push_state, card.pushed_args), ("in_use", "sent", command.args))
        self.assertFalse(card.push_outdated)
        card.write({"date_end": stamp(self.now + timedelta(days=50))})  # "save": the platform only
        self.assertTrue(card.push_outdated)
        self.assertEqual(self.commands_of(card), command)
        card.action_push()
        self.ack(card.push_command_id, result=2, message="plate unknown")
        self.assertEqual((card.state, card.push_state, card.push_message), ("in_use", "failed", "plate unknown"))

    def test_failed_push_leaves_a_created_card_created(self):
        card = self.staff(self.new_card(state="created"))
        card.action_push()
        self.ack(card.push_command_id, result=1, message="no")
        self.assertEqual((card.state, card.push_state), ("created", "failed"))

    def test_push_needs_a_rule(self):
        card = self.staff(self.new_card(rule=self.Rule))
        with self.assertRaisesRegex(UserError, "has no rule"):
            card.action_push()
        self.assertFalse(self.commands_of(card))

    def test_clear_deletes_at_the_vendor_only(self):
        card = self.staff(self.new_card())
        card.action_push()
        self.ack(card.push_command_id)
        self.assertTrue(card.pushed_args)
        card.action_clear()
        self.assertEqual(card.push_command_id.command, "monthcard_delete")
        self.ack(card.push_command_id)
        self.assertEqual((card.state, card.push_state, card.pushed_args), ("in_use", "sent", False))

    def test_resend_the_whole_lot(self):
        cards = self.new_card() | self.new_card(plate="京A00002", state="created")
        disabled = self.new_card(plate="京A00003", state="disabled")
        norule = self.new_card(plate="京A00004", rule=self.Rule)
        self.staff(self.lot).action_resend_monthcards()
        for card in cards:
            self.assertEqual(self.commands_of(card).mapped("command"), ["monthcard_upsert"])
        self.assertFalse(self.commands_of(disabled) | self.commands_of(norule))
        with self.assertRaises(AccessError):
            self.staff(self.lot, "operator").action_resend_monthcards()
        with self.assertRaisesRegex(UserError, "no valid month card"):
            self.staff(self.lot_without_server).action_resend_monthcards()

    # ------------------------------------------------------------ sub plates (一卡多车)
    def test_sub_plates_are_unique(self):
        card = self.staff(self.new_card())
        Plate = self.staff(self.env["ep.monthcard.plate"])
        sub = Plate.create({"card_id": card.id, "plate": "京b·00001"})
        self.assertEqual((sub.plate, sub.lot_id), ("京B00001", self.lot))
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            Plate.create({"card_id": card.id, "plate": "京B00001"})
        with self.assertRaisesRegex(ValidationError, "main plate"), self.env.cr.savepoint():
            Plate.create({"card_id": card.id, "plate": "京A12345"})
        other = self.staff(self.new_card(plate="京A00002"))
        for plate in ("京A12345", "京B00001"):  # main or sub plate of another valid card of the lot
            with self.assertRaisesRegex(ValidationError, "already belongs"), self.env.cr.savepoint():
                Plate.create({"card_id": other.id, "plate": plate})
        with self.assertRaisesRegex(ValidationError, "already belongs"), self.env.cr.savepoint():
            self.new_card(plate="京B00001")
        # another lot, or a card that does not let cars in, is no conflict...
        elsewhere = self.new_card(plate="京B00001", lot=self.lot_without_server, rule=self.Rule)
        self.assertEqual(elsewhere.state, "in_use")
        other.action_disable()
        Plate.create({"card_id": other.id, "plate": "京A12345"})
        # ...until it does again
        with self.assertRaisesRegex(ValidationError, "already belongs"):
            other.action_enable()

    def test_sub_plate_holds_a_valid_month_card(self):
        card = self.staff(self.new_card())
        card.plate_ids = [(0, 0, {"plate": "京B00001"})]
        self.assertTrue(self.lot._plate_has_valid_month_card("京b00001"))
        self.assertFalse(self.lot_without_server._plate_has_valid_month_card("京B00001"))
        self.assertFalse(self.lot._plate_has_valid_month_card("京B00001", at=self.now + timedelta(days=21)))
        card.action_disable()
        self.assertFalse(self.lot._plate_has_valid_month_card("京B00001"))
        card.action_enable()
        card.plate_ids.unlink()
        self.assertFalse(self.lot._plate_has_valid_month_card("京B00001"))

    # ------------------------------------------------------------ rule change (§2.3.5 月卡换规则)
    def test_rule_change_low_to_high_shortens_the_validity(self):
        card = self.staff(self.new_card(rule=self.ground, days_left=20))
        card._apply_rule_change(self.basement, now=stamp(self.now))
        self.assertEqual(card.rule_id, self.basement)
        self.assertEqual(card.date_end, stamp(self.now + timedelta(days=10)), "seed: 100 → 200, 20 days → 10")

    def test_rule_change_action_and_wizard(self):
        card = self.staff(self.new_card(rule=self.ground, days_left=20, spaces=2))
        old_end = card.date_end
        Wizard = self.staff(self.env["ep.monthcard.rule.change"]).with_context(default_card_id=card.id)
        wizard = Wizard.create({"new_rule_id": self.basement.id})
        self.assertFalse(wizard.cheaper)
        self.assertAlmostEqual(self.seconds_from_now(wizard.new_date_end), 10 * 86400, delta=60)
        wizard.action_apply()
        self.assertEqual(card.rule_id, self.basement)
        self.assertAlmostEqual(self.seconds_from_now(card.date_end), 10 * 86400, delta=60)
        self.assertIn(old_end, card.message_ids[0].body)
        self.assertIn(card.date_end, card.message_ids[0].body)
        same = self.Rule.create({"name": "地库 B", "lot_id": self.lot.id, "price": 200})
        end = card.date_end
        card.action_change_rule(same)  # the same price keeps the end
        self.assertEqual((card.rule_id, card.date_end), (same, end))

    def seconds_from_now(self, value):
        return (fields.Datetime.from_string(value) - self.now).total_seconds()

    def test_rule_change_high_to_low_and_others_refused(self):
        card = self.staff(self.new_card(rule=self.basement))
        end = card.date_end
        wizard = self.staff(self.env["ep.monthcard.rule.change"]).with_context(default_card_id=card.id).create(
            {"new_rule_id": self.ground.id})
        self.assertTrue(wizard.cheaper)
        with self.assertRaisesRegex(UserError, "needs an approved request"):
            card.action_change_rule(self.ground)
        elsewhere = self.Rule.create({"name": "Other", "lot_id": self.lot_without_server.id, "price": 500})
        forbidden = self.Rule.create({"name": "Forbidden", "lot_id": self.lot.id, "price": 500,
                                      "state": "forbidden"})
        for rule, message in ((elsewhere, "its own lot"), (forbidden, "forbidden"), (self.basement, "already")):
            with self.assertRaisesRegex(UserError, message):
                card.action_change_rule(rule)
        with self.assertRaisesRegex(UserError, "Change Rule"):
            card.write({"rule_id": self.ground.id})
        self.assertEqual((card.rule_id, card.date_end), (self.basement, end))

    def test_card_without_rule_gets_one(self):
        card = self.staff(self.new_card(rule=self.Rule))
        end = card.date_end
        card.action_change_rule(self.ground)
        self.assertEqual((card.rule_id, card.date_end), (self.ground, end))

    # ------------------------------------------------------------ payment restriction (§2.3.8 B c)
    def order(self, card, channel):
        return self.env["ep.parking.order"].create({
            "kind": "month_card", "lot_id": self.lot.id, "plate": card.plate, "amount": 300,
            "channel_id": channel.id, "res_model": "ep.monthcard", "res_id": card.id})

    def test_rule_restricts_payments(self):
        self.basement.channel_ids = self.cash
        card = self.new_card(rule=self.basement)
        self.assertEqual(self.order(card, self.cash).state, "unpaid")
        with self.assertRaisesRegex(UserError, "cannot be paid through"):
            self.order(card, self.wechat)
        self.basement.channel_ids = [(5,)]  # no channel: only the lot's restrictions
        self.assertEqual(self.order(card, self.wechat).channel_id, self.wechat)
        self.basement.action_forbid()
        with self.assertRaisesRegex(UserError, "is forbidden"):
            self.order(card, self.cash)
        self.basement.action_activate()
        self.basement.purchase_deadline = fields.Date.to_string((self.now + timedelta(days=60)).date())
        self.assertEqual(self.order(card, self.cash).state, "unpaid")
        self.basement.purchase_deadline = fields.Date.to_string((self.now + timedelta(days=10)).date())
        with self.assertRaisesRegex(UserError, "purchase deadline"):
            self.order(card, self.cash)

    # ------------------------------------------------------------ access
    def test_region_access(self):
        card = self.staff(self.new_card())
        card.plate_ids = [(0, 0, {"plate": "京B00001"})]
        other = card.sudo(self.other_staff)
        with self.assertRaises(AccessError):
            other.action_push()
        with self.assertRaises(AccessError):
            other.action_cancel_card()
        with self.assertRaises(AccessError):
            card.plate_ids.sudo(self.other_staff).read(["plate"])
        Plate = self.env["ep.monthcard.plate"]
        self.assertFalse(Plate.sudo(self.other_staff).search([("card_id", "=", card.id)]))
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            Plate.sudo(self.other_staff).create({"card_id": card.id, "plate": "京B00002"})
        with self.assertRaises(AccessError):
            Plate.sudo(self.users["operator"]).create({"card_id": card.id, "plate": "京B00002"})
        with self.assertRaises(AccessError):
            card.sudo(self.users["operator"]).action_push()
        self.assertEqual(card.plate_ids.sudo(self.users["operator"]).plate, "京B00001")
        self.assertFalse(self.commands_of(card))
        self.assertEqual(card.state, "in_use")
