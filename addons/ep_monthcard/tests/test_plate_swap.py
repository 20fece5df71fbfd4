import json
from datetime import timedelta

from odoo.addons.ep_parking.tests.test_list_entry import stamp
from odoo.exceptions import AccessError, UserError

from .common import EpMonthcardCase


class TestPlateSwap(EpMonthcardCase):
    """§2.3.5 换车牌: two cards of one lot and rule exchange their validity; the swap log, the case
    log (chatter), the frequent-swaps filter and region access."""

    def setUp(self):
        super().setUp()
        self.old = self.new_card(plate="京A11111", days_left=100)
        self.new = self.new_card(plate="京A22222", days_left=5, date_start=stamp(self.now - timedelta(days=25)))

    def swap(self, card=None, plate="京a·22222", reason="New car", user=None):
        Wizard = self.env["ep.monthcard.plate.swap.wizard"].sudo(user or self.users["lot_staff"])
        wizard = Wizard.with_context(default_card_id=(card or self.old).id).create(
            {"new_plate": plate, "reason": reason})
        return wizard

    def test_swap_exchanges_validity_and_logs_it(self):
        old_start, old_end = self.old.date_start, self.old.date_end
        new_start, new_end = self.new.date_start, self.new.date_end
        wizard = self.swap()
        self.assertEqual((wizard.other_card_id, wizard.other_date_end), (self.new, new_end), "the preview")
        wizard.action_swap()
        self.assertEqual((self.old.date_start, self.old.date_end), (new_start, new_end))
        self.assertEqual((self.new.date_start, self.new.date_end), (old_start, old_end))
        self.assertEqual((self.old.plate, self.new.plate, self.old.rule_id), ("京A11111", "京A22222", self.ground))
        log = self.env["ep.monthcard.plate.swap"].search([("card_id", "=", self.old.id)])
        self.assertEqual(len(log), 1)
        self.assertEqual(
            (log.lot_id, log.rule_id, log.other_card_id, log.plate, log.new_plate, log.user_id, log.reason),
            (self.lot, self.ground, self.new, "京A11111", "京A22222", self.users["lot_staff"], "New car"))
        self.assertEqual((log.card_start_before, log.card_end_before, log.other_start_before, log.other_end_before),
                         (old_start, old_end, new_start, new_end))
        self.assertEqual((log.card_start_after, log.card_end_after, log.other_start_after, log.other_end_after),
                         (new_start, new_end, old_start, old_end))
        for card, other in ((self.old, "京A22222"), (self.new, "京A11111")):  # the case log of both cards
            self.assertIn("Plate swap with %s" % other, card.message_ids[0].body)
            self.assertIn("New car", card.message_ids[0].body)
        self.assertEqual(self.old.plate_swap_count, 1)
        self.assertFalse(self.commands_of(self.old) | self.commands_of(self.new), "never pushed: saved here only")
        action = self.old.sudo(self.users["operator"]).action_view_plate_swaps()
        self.assertEqual(self.env["ep.monthcard.plate.swap"].search(action["domain"]), log)

    def test_swap_resends_cards_the_vendor_holds(self):
        for card in (self.old, self.new):
            card.sudo(self.users["lot_staff"]).action_push()
            self.ack(card.push_command_id)
        self.swap().action_swap()
        for card in (self.old, self.new):
            self.assertEqual(self.commands_of(card).mapped("command"), ["monthcard_upsert"] * 2)
            self.assertEqual(json.loads(card.push_command_id.args)["end"], card.date_end)

    def test_swap_refusals(self):
        elsewhere = self.new_card(plate="京A33333", lot=self.lot_without_server, rule=self.Rule)
        dearer = self.new_card(plate="京A44444", rule=self.basement)
        disabled = self.new_card(plate="京A55555", state="disabled")
        self.assertTrue(elsewhere and disabled)
        for plate, message in (("京A33333", "no created or in-use month card"),  # only at another lot
                               ("京A55555", "no created or in-use month card"),
                               ("京A99999", "no created or in-use month card"),
                               ("京A11111", "the card's own plate"),
                               ("京A44444", "not 地面 100")):
            with self.assertRaisesRegex(UserError, message):
                self.swap(plate=plate).action_swap()
        with self.assertRaisesRegex(UserError, "reason"):
            self.swap(reason="  ").action_swap()
        with self.assertRaisesRegex(UserError, "created or in-use"):
            self.swap(card=disabled, plate="京A22222").action_swap()
        with self.assertRaisesRegex(UserError, "not 地面 100|follows 地面 100"):
            self.swap(card=dearer, plate="京A22222").action_swap()
        self.old.sudo(self.users["lot_staff"]).action_disable()
        with self.assertRaisesRegex(UserError, "created or in-use"):
            self.old.sudo(self.users["lot_staff"]).action_open_plate_swap()
        self.assertFalse(self.env["ep.monthcard.plate.swap"].search([]).filtered(
            lambda s: s.card_id in (self.old | self.new | dearer | disabled)))
        self.assertEqual(self.new.date_end, stamp(self.now + timedelta(days=5)))

    def test_frequent_swaps_filter(self):
        Swap = self.env["ep.monthcard.plate.swap"]
        self.assertEqual(Swap._get_frequent_settings(), (3, 30), "the defaults")
        third = self.new_card(plate="京A33333")
        self.swap().action_swap()
        self.swap().action_swap()
        self.swap(card=third, plate="京A11111").action_swap()
        Staff = Swap.sudo(self.users["lot_staff"])
        self.assertEqual(self.old.plate_swap_count, 3)
        frequent = Staff.search([("frequent", "=", True)])
        self.assertEqual(len(frequent), 3, "京A11111 swapped 3 times in 30 days: all its swaps")
        self.assertTrue(all(frequent.mapped("frequent")))
        self.assertEqual(self.Card.search([("frequent_swaps", "=", True), ("lot_id", "=", self.lot.id)]), self.old)
        self.assertIn(self.new, self.Card.search([("frequent_swaps", "!=", True), ("lot_id", "=", self.lot.id)]))
        # old swaps do not count; the settings are system parameters
        Swap.search([("card_id", "=", third.id)]).write({"date": stamp(self.now - timedelta(days=31))})
        self.assertFalse(Staff.search([("frequent", "=", True)]))
        self.assertEqual(len(Staff.search([("frequent", "=", False)])), 3)
        self.env["ir.config_parameter"].set_param("ep_monthcard.frequent_swap_count", "2")
        self.assertEqual(len(Staff.search([("frequent", "=", True)])), 2)
        self.assertTrue(self.new.sudo(self.users["lot_staff"]).frequent_swaps)
        self.env["ir.config_parameter"].set_param("ep_monthcard.frequent_swap_days", "40")
        self.assertEqual(len(Staff.search([("frequent", "=", True)])), 3)
        self.env["ir.config_parameter"].set_param("ep_monthcard.frequent_swap_count", "nonsense")
        self.env["ir.config_parameter"].set_param("ep_monthcard.frequent_swap_days", "0")
        self.assertEqual(Swap._get_frequent_settings(), (3, 30), "nonsense: the defaults")

    def test_swap_access(self):
        for user in (self.users["operator"], self.other_staff):
            with self.assertRaises(AccessError):
                self.swap(user=user).action_swap()
        self.assertEqual(self.old.date_end, stamp(self.now + timedelta(days=100)))
        self.swap().action_swap()
        log = self.env["ep.monthcard.plate.swap"].search([("card_id", "=", self.old.id)])
        self.assertEqual(log.sudo(self.users["operator"]).reason, "New car", "operators read the log")
        self.assertFalse(self.env["ep.monthcard.plate.swap"].sudo(self.other_staff).search([("id", "=", log.id)]))
        with self.assertRaises(AccessError):
            log.sudo(self.other_staff).read(["reason"])
        with self.assertRaises(AccessError):
            log.sudo(self.users["lot_staff"]).write({"reason": "rewritten"})
        with self.assertRaises(AccessError):
            log.sudo(self.users["lot_staff"]).unlink()
        self.assertEqual(self.env["ep.monthcard.plate.swap"].sudo(self.users["manager"]).search_count(
            [("id", "=", log.id)]), 1)

    def test_swap_menu(self):
        menu = self.env.ref("ep_monthcard.ep_monthcard_plate_swap_menu")
        self.assertEqual(menu.action, self.env.ref("ep_monthcard.ep_monthcard_plate_swap_action"))
