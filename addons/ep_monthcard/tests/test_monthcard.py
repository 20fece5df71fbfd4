import re
from datetime import timedelta

from odoo.addons.ep_parking.tests.test_list_entry import EpListCase, stamp
from odoo.exceptions import AccessError, UserError, ValidationError


class TestMonthcard(EpListCase):
    """Month cards answer the list warning (§2.2.5) and the system-review permission (§2.2.6)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.holder = Partner.create({"name": "Card Holder", "mobile": "13600136000"})
        cls.stranger = Partner.create({"name": "Stranger"})
        cls.Card = cls.env["ep.monthcard"]
        cls.card = cls.Card.create({
            "lot_id": cls.lot.id, "plate": "京A12345", "partner_id": cls.holder.id, "state": "in_use",
            "date_start": stamp(cls.now - timedelta(days=10)), "date_end": stamp(cls.now + timedelta(days=20))})
        cls.Reservation = cls.env["ep.parking.reservation"]

    def request(self, partner, plate="京B88888"):
        start = self.now + timedelta(days=1)
        return self.Reservation.sudo(self.users["lot_staff"]).create({
            "lot_id": self.lot.id, "partner_id": partner.id, "plate": plate,
            "date_start": stamp(start), "date_end": stamp(start + timedelta(hours=6))})

    # ------------------------------------------------------------ the lot's questions
    def test_plate_and_holder_have_a_valid_card_during_its_period(self):
        lot = self.lot
        self.assertTrue(lot._plate_has_valid_month_card("京A12345"))
        self.assertTrue(lot._plate_has_valid_month_card("京a·12345"))
        self.assertTrue(lot._partner_has_valid_month_card(self.holder))
        self.assertFalse(lot._plate_has_valid_month_card("京A54321"))
        self.assertFalse(lot._partner_has_valid_month_card(self.stranger))
        self.assertFalse(self.lot_without_server._plate_has_valid_month_card("京A12345"))
        self.assertFalse(self.lot_without_server._partner_has_valid_month_card(self.holder))
        before, after = self.now - timedelta(days=11), self.now + timedelta(days=21)
        for at in (before, after):
            self.assertFalse(lot._plate_has_valid_month_card("京A12345", at=at))
            self.assertFalse(lot._partner_has_valid_month_card(self.holder, at=stamp(at)))

    def test_plate_lookups_read_only_that_plates_cards(self):
        """The fee query asks both for every car: each used to list every valid card of the
        database (domains through card_id), 32 queries a quote on a thousand cards."""
        queries = []
        execute = self.cr.execute

        def record(query, params=None, log_exceptions=None):
            queries.append(str(query))
            return execute(query, params)

        self.cr.execute = record
        try:
            self.assertTrue(self.lot._plate_has_valid_month_card("京A12345"))
            self.env["ep.monthcard.pass.area.member"]._find_pass(self.lot, "京A12345")
        finally:
            del self.cr.execute
        on_cards = [query for query in queries if re.search(r'FROM "ep_monthcard"(?!_)', query)]
        self.assertTrue(on_cards)
        self.assertEqual([query for query in on_cards if '"plate"' not in query], [])

    def test_only_created_and_in_use_cards_count(self):
        self.Card.create({"lot_id": self.lot.id, "plate": "京A77777", "state": "created",
                          "date_start": stamp(self.now - timedelta(days=1)),
                          "date_end": stamp(self.now + timedelta(days=20))})
        self.assertTrue(self.lot._plate_has_valid_month_card("京A77777"))
        # the card moves only along its transitions (test_card.py): there is no way back to created
        for state, valid in (("in_use", True), ("disabled", False), ("in_use", True), ("cancelled", False)):
            self.card.state = state
            self.assertEqual(self.lot._plate_has_valid_month_card("京A12345"), valid, state)
            self.assertEqual(self.lot._partner_has_valid_month_card(self.holder), valid, state)

    def test_card_must_end_after_it_starts(self):
        with self.assertRaises(ValidationError):
            self.Card.create({"lot_id": self.lot.id, "plate": "京A11111", "date_start": stamp(self.now),
                              "date_end": stamp(self.now)})

    # ------------------------------------------------------------ month card beats blacklist
    def test_blacklisting_a_card_holder_warns(self):
        entry = self.new_entry(plate="京A12345", list_type="black")
        self.assertIn("month card", entry.month_card_warning)
        entry.action_push_add()
        self.assertTrue(any("month card" in (message.body or "") for message in entry.message_ids))
        self.assertFalse(self.new_entry(plate="京A54321", list_type="black").month_card_warning)
        self.card.state = "cancelled"  # cancel the card first, as the vendor asks
        entry.invalidate_cache()
        self.assertFalse(entry.month_card_warning)

    def test_whitelisting_a_card_holder_does_not_warn(self):
        self.assertFalse(self.new_entry(plate="京A12345", list_type="white").month_card_warning)

    # ------------------------------------------------------------ system review
    def test_system_review_approves_card_holders_at_once(self):
        self.lot.reservation_review = "system"
        reservation = self.request(self.holder)
        self.assertEqual((reservation.review_mode, reservation.state), ("system", "approved"))
        self.assertEqual(reservation.phone, "13600136000")
        entry = reservation.list_entry_id
        self.assertEqual((entry.plate, entry.list_type, entry.date_end), ("京B88888", "white", reservation.date_end))
        command = entry.push_command_id
        self.assertEqual((command.command, command.device_id, command.state), ("list_add", self.server, "queued"))
        self.ack(command)
        self.assertEqual(entry.state, "in_white")

    def test_system_review_refuses_others(self):
        self.lot.reservation_review = "system"
        with self.assertRaisesRegex(UserError, "No reservation permission"):
            self.request(self.stranger)
        self.card.state = "disabled"
        with self.assertRaisesRegex(UserError, "No reservation permission"):
            self.request(self.holder)
        self.assertFalse(self.Command.search([("device_id", "=", self.server.id)]))

    def test_manual_review_ignores_cards(self):
        reservation = self.request(self.stranger)
        self.assertEqual((reservation.review_mode, reservation.state), ("manual", "pending"))
        self.assertEqual(self.request(self.holder, plate="京B77777").state, "pending")

    # ------------------------------------------------------------ access
    def test_access_by_role_and_region(self):
        vals = {"lot_id": self.lot.id, "plate": "京A22222", "date_start": stamp(self.now),
                "date_end": stamp(self.now + timedelta(days=30))}
        self.assertEqual(self.card.sudo(self.users["operator"]).plate, "京A12345")
        with self.assertRaises(AccessError):
            self.Card.sudo(self.users["operator"]).create(vals)
        with self.assertRaises(AccessError):
            self.card.sudo(self.users["operator"]).write({"state": "disabled"})
        card = self.Card.sudo(self.users["lot_staff"]).create(vals)
        card.write({"state": "in_use"})
        with self.assertRaises(AccessError):
            card.unlink()
        self.assertFalse(self.Card.sudo(self.other_staff).search([("id", "in", (card | self.card).ids)]))
        with self.assertRaises(AccessError):
            self.card.sudo(self.other_staff).read(["plate"])
        self.assertEqual(self.Card.sudo(self.users["manager"]).search_count([("id", "=", card.id)]), 1)
        card.sudo(self.users["admin"]).unlink()
        self.assertFalse(card.exists())

    def test_menu_under_month_cards(self):
        menu = self.env.ref("ep_monthcard.ep_monthcard_menu")
        self.assertEqual(menu.parent_id, self.env.ref("ep_monthcard.monthcard_menu"))

    # ------------------------------------------------------------ payment restrictions (§2.3.8 B d)
    def test_card_refusing_online_renewal_refuses_online_orders(self):
        wechat = self.env.ref("ep_parking.payment_method_wechat")
        cash = self.env.ref("ep_parking.payment_method_cash")
        self.lot.write({"payment_method_ids": [(6, 0, [wechat.id, cash.id])], "online_payment": True})
        Order = self.env["ep.parking.order"]
        vals = {"kind": "month_card", "lot_id": self.lot.id, "plate": self.card.plate, "amount": 300,
                "res_model": "ep.monthcard", "res_id": self.card.id}
        self.assertEqual(Order.create(dict(vals, channel_id=wechat.id)).state, "unpaid")
        self.card.allow_online_renewal = False
        with self.assertRaisesRegex(UserError, "cannot be renewed online"):
            Order.create(dict(vals, channel_id=wechat.id))
        self.assertEqual(Order.create(dict(vals, channel_id=cash.id)).channel_id, cash)
