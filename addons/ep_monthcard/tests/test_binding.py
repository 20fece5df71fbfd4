import json
from datetime import datetime, timedelta
from decimal import Decimal

from odoo import fields
from odoo.addons.ep_parking.models.ep_parking_tariff import from_lot_time, to_lot_time
from odoo.addons.ep_parking.tests.test_list_entry import stamp
from odoo.exceptions import AccessError, UserError, ValidationError

from ..models.ep_monthcard import bind_end
from .common import EpMonthcardCase


class TestBinding(EpMonthcardCase):
    """§2.3.5 多位多车的绑定和解绑: new plates, bound cards (rules aligned or refused), unbinding
    (validity ends that day), main-plate swap, region access."""

    def staff(self, records, user=None):
        return records.sudo(user or self.users["lot_staff"])

    def bind(self, card, user=None, **vals):
        wizard = self.staff(self.env["ep.monthcard.bind"], user).with_context(default_card_id=card.id).create(vals)
        return wizard.action_bind()

    def end_of_today(self):
        local = to_lot_time(stamp(self.now)).replace(hour=23, minute=59, second=59)
        return stamp(from_lot_time(local))

    # ------------------------------------------------------------ the value of bound cards (pure)
    def test_bind_end_keeps_the_paid_value(self):
        now = datetime(2018, 9, 1)
        main = (datetime(2018, 8, 1), now + timedelta(days=20), Decimal(100), 1)
        same = (datetime(2018, 8, 1), now + timedelta(days=10), Decimal(100), 1)
        self.assertEqual(bind_end(now, [main], Decimal(100)), now + timedelta(days=20), "alone: unchanged")
        self.assertEqual(bind_end(now, [main, same], Decimal(100)), now + timedelta(days=15))
        dear = (datetime(2018, 8, 1), now + timedelta(days=40), Decimal(200), 2)  # 2 spaces at 200
        # (100 × 1 × 20 + 200 × 2 × 40) / (100 × 3) = 60 days
        self.assertEqual(bind_end(now, [main, dear], Decimal(100)), now + timedelta(days=60))
        expired = (datetime(2018, 7, 1), now - timedelta(days=3), Decimal(100), 1)
        self.assertEqual(bind_end(now, [main, expired], Decimal(100)), now + timedelta(days=10))
        future = (now + timedelta(days=5), now + timedelta(days=35), Decimal(100), 1)  # starts later: 30 days
        self.assertEqual(bind_end(now, [future, same], Decimal(100)), now + timedelta(days=25))
        self.assertEqual(bind_end(now, [main, same], Decimal(0)), now + timedelta(days=15), "free: by spaces")
        tiny = (now, now + timedelta(seconds=1), Decimal(100), 2)  # (20 days + 2 s) / 3 = 576000.67 s
        self.assertEqual(bind_end(now, [main, tiny], Decimal(100)), now + timedelta(seconds=576000),
                         "whole seconds, truncated")
        for parts, price in (([], Decimal(100)), ([main[:3] + (0,)], Decimal(100)), ([main], Decimal(-1))):
            with self.assertRaises(ValueError):
                bind_end(now, parts, price)

    # ------------------------------------------------------------ (1) new plate
    def test_bind_new_plate_needs_the_drivers_mobile(self):
        card = self.new_card()
        for vals, message in (({"plate": "京B00001"}, "11-digit mobile"),
                              ({"plate": "京B00001", "phone": "1380013"}, "11-digit mobile"),
                              ({"phone": "13800138000"}, "Enter the plate")):
            with self.assertRaisesRegex(UserError, message):
                self.bind(card, **vals)
        self.assertFalse(card.plate_ids)
        self.bind(card, plate="京b·00001", phone="+86 138 0013 8000")
        self.assertEqual((card.plate_ids.plate, card.plate_ids.phone, card.plate_ids.bound_spaces),
                         ("京B00001", "13800138000", 0))
        self.assertEqual(card.spaces, 1, "a new plate shares the card's spaces (一位多车)")
        self.assertTrue(self.lot._plate_has_valid_month_card("京B00001"))
        self.assertIn("京B00001", card.message_ids[0].body)
        self.new_card(plate="京B00002")
        with self.assertRaisesRegex(UserError, "has a month card of its own"):
            self.bind(card, plate="京B00002", phone="13800138000")
        with self.assertRaisesRegex(ValidationError, "main plate"), self.env.cr.savepoint():
            self.bind(card, plate="京A12345", phone="13800138000")

    def test_bind_refused_on_a_card_that_does_not_let_cars_in(self):
        card = self.new_card(state="disabled")
        with self.assertRaisesRegex(UserError, "created or in-use"):
            self.staff(card).action_open_bind()
        with self.assertRaisesRegex(UserError, "created or in-use"):
            self.bind(card, plate="京B00001", phone="13800138000")
        self.assertFalse(card.plate_ids)

    # ------------------------------------------------------------ (2) one card: its rule is aligned
    def test_bind_one_card_of_another_rule_aligns_it(self):
        main = self.new_card(rule=self.ground, days_left=20, phone="13800138000")
        other = self.new_card(plate="京B00002", rule=self.basement, days_left=10, phone="13900139000",
                              spaces=2, inner_spaces=1)
        wizard = self.staff(self.env["ep.monthcard.bind"]).with_context(default_card_id=main.id).create(
            {"mode": "cards", "bound_card_ids": [(6, 0, other.ids)]})
        self.assertIn("will take the rule", wizard.rule_note)
        self.assertEqual(wizard.new_spaces, 3)
        expected = wizard.new_date_end
        # (100 × 1 × 20 + 200 × 2 × 10) / (100 × 3) = 20 days
        self.assertAlmostEqual(self.seconds_from_now(expected), 20 * 86400, delta=60)
        wizard.action_bind()
        self.assertEqual((other.state, other.rule_id), ("cancelled", self.ground), "aligned, then cancelled")
        self.assertEqual((main.spaces, main.inner_spaces, main.rule_id), (3, 1, self.ground))
        self.assertAlmostEqual(self.seconds_from_now(main.date_end), 20 * 86400, delta=60)
        sub = main.plate_ids
        self.assertEqual((sub.plate, sub.phone, sub.bound_card_id, sub.bound_spaces),
                         ("京B00002", "13900139000", other, 2))
        self.assertTrue(self.lot._plate_has_valid_month_card("京B00002"))
        self.assertIn("Rule aligned", " ".join(other.message_ids.mapped("body")))
        self.assertIn("京B00002", main.message_ids[0].body)
        self.assertEqual(self.commands_of(other).mapped("command"), ["monthcard_delete"])
        self.assertFalse(self.commands_of(main), "the vendor never held the main card: nothing to resend")

    def test_bind_resends_a_card_the_vendor_holds(self):
        main = self.new_card()
        self.staff(main).action_push()
        self.ack(main.push_command_id)
        other = self.new_card(plate="京B00002")
        self.bind(main, mode="cards", bound_card_ids=[(6, 0, other.ids)])
        upsert = main.push_command_id
        self.assertEqual(json.loads(upsert.args)["plates"], ["京A12345", "京B00002"])
        self.assertLess(self.commands_of(other).id, upsert.id, "the old card is deleted before the upsert")

    # ------------------------------------------------------------ (3) two or more: rules must match
    def test_bind_two_cards_with_another_rule_is_refused_until_aligned(self):
        main = self.new_card(rule=self.ground, days_left=30)
        same = self.new_card(plate="京B00002", rule=self.ground, days_left=10)
        other = self.new_card(plate="京B00003", rule=self.basement, days_left=10)
        end = main.date_end
        with self.assertRaisesRegex(UserError, "京B00003 differ from 地面 100"):
            self.bind(main, mode="cards", bound_card_ids=[(6, 0, (same | other).ids)])
        self.assertEqual((main.date_end, main.spaces, same.state, other.state), (end, 1, "in_use", "in_use"))
        self.assertFalse(main.plate_ids)
        # changed by hand (a cheaper rule: here the system's direct change), then bound
        other.with_context(ep_monthcard_rule_change=True).write({"rule_id": self.ground.id})
        self.bind(main, mode="cards", bound_card_ids=[(6, 0, (same | other).ids)])
        self.assertEqual(sorted(main.plate_ids.mapped("plate")), ["京B00002", "京B00003"])
        self.assertEqual((main.spaces, same.state, other.state), (3, "cancelled", "cancelled"))
        self.assertAlmostEqual(self.seconds_from_now(main.date_end), (30 + 10 + 10) / 3 * 86400, delta=60)

    def test_bind_cards_refusals(self):
        main = self.new_card()
        elsewhere = self.new_card(plate="京B00002", lot=self.lot_without_server, rule=self.Rule)
        disabled = self.new_card(plate="京B00003", state="disabled")
        with_subs = self.new_card(plate="京B00004")
        with_subs.plate_ids = [(0, 0, {"plate": "京B00005"})]
        norule = self.new_card(plate="京B00006", rule=self.Rule)
        for cards, message in ((self.Card, "Choose the month cards"), (main, "to itself"),
                               (elsewhere, "only cards of the same lot"), (disabled, "created or in-use"),
                               (with_subs, "sub plates of its own")):
            with self.assertRaisesRegex(UserError, message):
                self.bind(main, mode="cards", bound_card_ids=[(6, 0, cards.ids)])
        with self.assertRaisesRegex(UserError, "has no rule"):
            self.bind(norule, mode="cards", bound_card_ids=[(6, 0, main.ids)])
        self.assertFalse(main.plate_ids)
        self.assertEqual((elsewhere.state, disabled.state, with_subs.state), ("in_use", "disabled", "in_use"))

    # ------------------------------------------------------------ unbinding (解绑)
    def test_unbind_ends_the_plates_validity_that_day(self):
        main = self.new_card(days_left=20, spaces=1)
        other = self.new_card(plate="京B00002", days_left=20, spaces=2, phone="13900139000")
        self.bind(main, mode="cards", bound_card_ids=[(6, 0, other.ids)])
        self.assertEqual(main.spaces, 3)
        sub = main.plate_ids
        self.staff(sub).action_unbind()
        self.assertFalse(main.plate_ids)
        self.assertEqual(main.spaces, 1, "the spaces it brought leave with it")
        day_card = self.Card.search([("plate", "=", "京B00002"), ("state", "=", "created")])
        self.assertEqual((day_card.lot_id, day_card.rule_id, day_card.spaces, day_card.phone),
                         (self.lot, self.ground, 2, "13900139000"))
        self.assertEqual(day_card.date_end, self.end_of_today())
        self.assertTrue(self.lot._plate_has_valid_month_card("京B00002"))
        tomorrow = fields.Datetime.from_string(self.end_of_today()) + timedelta(seconds=1)
        self.assertFalse(self.lot._plate_has_valid_month_card("京B00002", at=tomorrow))
        self.assertTrue(self.lot._plate_has_valid_month_card("京A12345", at=tomorrow))
        self.assertIn("京B00002", main.message_ids[0].body)
        self.assertFalse(self.commands_of(day_card), "the vendor never held the plate")

    def test_unbind_a_new_plate_from_a_pushed_card_sends_both(self):
        main = self.new_card()
        self.bind(main, plate="京B00001", phone="13800138000")
        self.staff(main).action_push()
        self.ack(main.push_command_id)
        self.staff(main.plate_ids).action_unbind()
        self.assertEqual(json.loads(main.push_command_id.args)["plates"], ["京A12345"])
        day_card = self.Card.search([("plate", "=", "京B00001"), ("lot_id", "=", self.lot.id)])
        self.assertEqual(self.commands_of(day_card).mapped("command"), ["monthcard_upsert"])
        self.assertEqual(json.loads(day_card.push_command_id.args)["end"], self.end_of_today())

    def test_unbind_from_a_card_that_does_not_let_cars_in_gives_nothing(self):
        main = self.new_card()
        self.bind(main, plate="京B00001", phone="13800138000")
        self.staff(main).action_disable()
        self.staff(main.plate_ids).action_unbind()
        self.assertFalse(main.plate_ids)
        self.assertFalse(self.Card.search([("plate", "=", "京B00001")]))
        expired = self.new_card(plate="京A00009", days_left=-1)
        expired.plate_ids = [(0, 0, {"plate": "京B00009"})]
        self.staff(expired.plate_ids).action_unbind()
        self.assertFalse(self.Card.search([("plate", "=", "京B00009")]))
        cancelled = self.new_card(plate="京A00010")
        cancelled.plate_ids = [(0, 0, {"plate": "京B00010"})]
        self.staff(cancelled).action_cancel_card()
        with self.assertRaisesRegex(UserError, "is cancelled"):
            self.staff(cancelled.plate_ids).action_unbind()

    # ------------------------------------------------------------ main plate swap (更换主车牌)
    def test_make_a_sub_plate_the_main_plate(self):
        main = self.new_card(phone="13800138000")
        self.bind(main, plate="京B00001", phone="13900139000")
        self.staff(main).action_push()
        self.ack(main.push_command_id)
        sub = main.plate_ids
        self.staff(sub).action_make_main()
        self.assertEqual((main.plate, main.phone), ("京B00001", "13900139000"))
        self.assertEqual((sub.plate, sub.phone), ("京A12345", "13800138000"))
        self.assertEqual(json.loads(main.push_command_id.args)["plates"], ["京B00001", "京A12345"])
        self.assertIn("京B00001", main.message_ids.filtered(lambda m: "Main plate" in (m.body or "")).body)
        self.assertTrue(self.lot._plate_has_valid_month_card("京A12345"))
        other = self.new_card(plate="京A00002")
        with self.assertRaisesRegex(UserError, "not a sub plate"):
            self.staff(other)._swap_main_plate(sub)

    # ------------------------------------------------------------ access
    def test_binding_access(self):
        main = self.new_card()
        other = self.new_card(plate="京B00002")
        with self.assertRaises(AccessError):
            self.bind(main, user=self.users["operator"], plate="京B00001", phone="13800138000")
        with self.assertRaises(AccessError):
            self.bind(main, user=self.other_staff, plate="京B00001", phone="13800138000")
        with self.assertRaises(AccessError):
            self.bind(main, user=self.other_staff, mode="cards", bound_card_ids=[(6, 0, other.ids)])
        self.assertFalse(main.plate_ids)
        self.bind(main, plate="京B00001", phone="13800138000")
        for user in (self.users["operator"], self.other_staff):
            with self.assertRaises(AccessError):
                self.staff(main.plate_ids, user).action_unbind()
            with self.assertRaises(AccessError):
                self.staff(main.plate_ids, user).action_make_main()
        self.assertEqual((main.plate, main.plate_ids.plate), ("京A12345", "京B00001"))

    def seconds_from_now(self, value):
        return (fields.Datetime.from_string(value) - self.now).total_seconds()
