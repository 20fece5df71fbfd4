from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError

from .common import EpMonthcardCase


class TestBillingRoom(EpMonthcardCase):
    """§2.3.5 收费房间 / 绑定物业费 and §2.3.6 A 银行代扣."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank = cls.env.ref("ep_monthcard.payment_method_bank_debit")
        # cross-month lot: a debit of N × the fee pays N months from any end (natural-month lots
        # charge a first partial month by days, so their cards end on a month's last second)
        cls.lot.write({"payment_method_ids": [(4, cls.bank.id)], "cross_month_renewal": True})
        cls.ground.write({"channel_ids": [(4, cls.bank.id)]})  # the basement rule refuses bank debits
        cls.r250 = cls.Rule.create({"name": "250", "lot_id": cls.lot.id, "price": 250})
        cls.r300 = cls.Rule.create({"name": "300", "lot_id": cls.lot.id, "price": 300})
        cls.Room = cls.env["ep.monthcard.billing.room"]
        cls.Debit = cls.env["ep.monthcard.bank.debit"]
        cls.Renewal = cls.env["ep.monthcard.renewal"]
        cls.Arrears = cls.env["ep.monthcard.arrears.test"]

    def new_room(self, cards, role="lot_staff", **vals):
        values = {"lot_id": self.lot.id, "building": "3", "room": vals.pop("room", "1802"),
                  "card_ids": [(6, 0, cards.ids)]}
        values.update(vals)
        return self.Room.sudo(self.users[role]).create(values)

    def new_debit(self, room, amount, ref, role="lot_staff"):
        return self.Debit.sudo(self.users[role]).create({"room_id": room.id, "amount": amount, "bank_ref": ref})

    def end(self, card):
        card.invalidate_cache()
        return fields.Datetime.from_string(card.date_end)

    # ------------------------------------------------------------ property fee
    def test_arrears_block_owner_payment_until_paid(self):
        card = self.new_card()
        room = self.new_room(card, property_fee=True, fee_room_code="SZ-3-1802")
        owner_env = self.Room.sudo(self.plain_user)  # owners cannot read rooms: the check answers anyway
        self.assertTrue(owner_env._check_owner_payment(card))
        self.assertEqual((room.arrears_state, room.arrears_amount), ("clear", 0))
        row = self.Arrears.sudo(self.users["admin"]).create({"room_code": "SZ-3-1802", "amount": 88.5})
        with self.assertRaisesRegex(UserError, "3-1802 is in arrears of 88.50 .*pay the property fee first"):
            owner_env._check_owner_payment(card)
        self.assertEqual((room.arrears_state, room.arrears_amount), ("arrears", 88.5))
        self.assertTrue(room.arrears_checked_at)
        other = self.new_card(plate="京B00001")  # not bound to the room
        self.assertTrue(owner_env._check_owner_payment(other))
        row.unlink()  # the owner paid the property fee
        self.assertTrue(owner_env._check_owner_payment(card))
        self.assertEqual(room.arrears_state, "clear")

    def test_only_property_fee_binding_blocks_and_staff_check_by_hand(self):
        card = self.new_card()
        room = self.new_room(card, bank_debit=True, fee_room_code="SZ-3-1802")
        self.Arrears.create({"room_code": "SZ-3-1802", "amount": 10})
        self.assertTrue(self.Room._check_owner_payment(card), "bank-debit binding alone does not block")
        with self.assertRaisesRegex(UserError, "not bound to the property fee"):
            room.sudo(self.users["lot_staff"]).action_check_arrears()
        room.sudo(self.users["lot_staff"]).write({"property_fee": True})
        room.sudo(self.users["lot_staff"]).action_check_arrears()
        self.assertEqual((room.arrears_state, room.arrears_amount), ("arrears", 10))

    def test_arrears_provider_dispatch_and_test_rows_for_admins(self):
        self.env["ir.config_parameter"].set_param("ep_monthcard.arrears_provider", "efeitong")
        with self.assertRaisesRegex(UserError, "Unknown provider efeitong"):
            self.env["ep.monthcard.arrears.provider"]._get_arrears("X-1")
        self.env["ir.config_parameter"].set_param("ep_monthcard.arrears_provider", "test")
        self.assertEqual(str(self.env["ep.monthcard.arrears.provider"]._get_arrears("X-1")), "0.00")
        with self.assertRaises(AccessError):
            self.Arrears.sudo(self.users["lot_staff"]).create({"room_code": "X-1", "amount": 5})
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.Arrears.create({"room_code": "X-1", "amount": -5})

    def test_binding_checks(self):
        card = self.new_card()
        with self.assertRaisesRegex(ValidationError, "give its room code"), self.env.cr.savepoint():
            self.new_room(card, property_fee=True)
        stranger = self.new_card(plate="京B00002", lot=self.lot_without_server, rule=self.Rule)
        with self.assertRaisesRegex(ValidationError, "not to the room's lot"), self.env.cr.savepoint():
            self.new_room(stranger)
        room = self.new_room(card, bank_debit=True)
        self.assertEqual((room.name, room.display_name, room.card_count), ("3-1802", "3-1802 · T-LOT-1", 1))
        with self.assertRaisesRegex(ValidationError, "bound to the room 3-1802 already"), self.env.cr.savepoint():
            self.new_room(card, room="1803")
        with self.assertRaisesRegex(ValidationError, "exists already"), self.env.cr.savepoint():
            self.new_room(self.Card, bank_debit=True)

    # ------------------------------------------------------------ bank debit
    def test_seed_one_card_of_100_and_a_debit_of_300_renews_three_months(self):
        card = self.new_card(days_left=5)
        room = self.new_room(card, bank_debit=True)
        end = self.end(card)
        debit = self.new_debit(room, 300, "BD-0001")
        self.assertEqual((debit.state, debit.lot_id), ("new", self.lot))
        debit.sudo(self.users["finance"]).action_process()  # finance sees no card: the room decides
        self.assertEqual((debit.state, debit.months), ("done", 3), debit.message)
        renewal = debit.renewal_ids
        self.assertEqual((renewal.card_id, renewal.quantity, renewal.amount, renewal.source, renewal.state),
                         (card, 3, 300, "bank_debit", "done"))
        order = renewal.order_id
        self.assertEqual((order.state, order.channel_id, order.third_party_ref, order.kind, order.amount),
                         ("paid", self.bank, "BD-0001", "month_card", 300))
        self.assertEqual(card.date_end, renewal.date_to)
        self.assertEqual(self.end(card).date(), (end + relativedelta(months=3)).date())
        with self.assertRaisesRegex(UserError, "processed already"):
            debit.action_process()
        with self.assertRaisesRegex(UserError, "keeps the data"):
            debit.write({"amount": 200})
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            debit.unlink()

    def test_seed_cards_of_250_and_300_and_a_debit_of_550_renew_one_month_each(self):
        card_a = self.new_card(plate="京A25000", rule=self.r250)
        card_b = self.new_card(plate="京A30000", rule=self.r300, days_left=40)
        room = self.new_room(card_a | card_b, bank_debit=True)
        ends = {card: self.end(card) for card in card_a | card_b}
        debit = self.new_debit(room, 550, "BD-0002")
        debit.action_process()
        self.assertEqual((debit.state, debit.months), ("done", 1), debit.message)
        self.assertEqual(debit.renewal_ids.mapped("card_id"), card_a | card_b)
        self.assertEqual(sorted(debit.renewal_ids.mapped("amount")), [250, 300])
        self.assertEqual(sorted(debit.renewal_ids.mapped("order_id.third_party_ref")),
                         ["BD-0002/京A25000", "BD-0002/京A30000"])
        for card, end in ends.items():
            self.assertEqual(self.end(card).date(), (end + relativedelta(months=1)).date())

    def test_no_match_fails_and_renews_nothing(self):
        card_a = self.new_card(plate="京A25000", rule=self.r250)
        card_b = self.new_card(plate="京A30000", rule=self.r300)
        room = self.new_room(card_a | card_b, bank_debit=True)
        ends = {card: card.date_end for card in card_a | card_b}
        debits = self.new_debit(room, 300, "BD-0003") | self.new_debit(room, 800, "BD-0004") \
            | self.new_debit(room, 1650, "BD-0005")  # 300 pays card B alone; 800 = 250 + 550: no subset
        debits.sudo(self.users["lot_staff"]).action_process()
        self.assertEqual(debits.mapped("state"), ["failed", "failed", "done"])
        for debit in debits[:2]:
            self.assertRegex(debit.message, "not a whole number of periods.*京A25000 250.00, 京A30000 300.00")
            self.assertFalse(debit.renewal_ids)
        self.assertEqual(debits[2].months, 3)
        self.assertEqual(self.Renewal.search_count([("card_id", "in", (card_a | card_b).ids)]), 2)
        self.assertNotEqual(card_a.date_end, ends[card_a])

    def test_each_debit_in_its_own_savepoint(self):
        """The second card of room A refuses bank debits: room A's debit renews neither card;
        room B's debit in the same run is kept."""
        ground = self.new_card(plate="京A10000", days_left=5)
        basement = self.new_card(plate="京A20000", rule=self.basement, days_left=5)
        single = self.new_card(plate="京A30000", days_left=5)
        room_a = self.new_room(ground | basement, bank_debit=True)
        room_b = self.new_room(single, bank_debit=True, room="1901")
        ends = {card: card.date_end for card in ground | basement | single}
        failed = self.new_debit(room_a, 300, "BD-0006")
        done = self.new_debit(room_b, 200, "BD-0007")
        self.assertEqual(self.Debit._cron_process(), 1)
        self.assertEqual((failed.state, done.state), ("failed", "done"))
        self.assertRegex(failed.message, "cannot be paid through Bank Debit")
        self.assertEqual((ground.date_end, basement.date_end), (ends[ground], ends[basement]))
        self.assertFalse(self.Renewal.search([("card_id", "in", (ground | basement).ids)]))
        self.assertFalse(self.env["ep.parking.order"].search([("third_party_ref", "like", "BD-0006")]))
        self.assertNotEqual(single.date_end, ends[single])
        self.assertEqual(self.Debit._cron_process(), 0, "failed debits wait for a person")
        # the rule is put right: the failed debit is processed again
        self.basement.write({"channel_ids": [(4, self.bank.id)]})
        failed.sudo(self.users["lot_staff"]).action_retry()
        self.assertEqual((failed.state, failed.months), ("done", 1), failed.message)
        self.assertNotEqual(basement.date_end, ends[basement])

    def test_room_without_binding_or_cards_fails(self):
        card = self.new_card(state="disabled")
        room = self.new_room(card)
        debit = self.new_debit(room, 100, "BD-0008")
        debit.action_process()
        self.assertEqual(debit.state, "failed")
        self.assertIn("not bound for bank debit", debit.message)
        room.bank_debit = True
        debit.action_retry()
        self.assertIn("no valid month card", debit.message)

    # ------------------------------------------------------------ access
    def test_region_access(self):
        card = self.new_card()
        room = self.new_room(card, bank_debit=True)
        debit = self.new_debit(room, 100, "BD-0009")
        other = self.other_staff
        for record in (room, debit):
            with self.assertRaises(AccessError):
                record.sudo(other).read(["lot_id"])
            record.sudo(self.users["operator"]).read(["lot_id"])
            record.sudo(self.users["finance"]).read(["lot_id"])  # finance reconciles every region
        self.assertFalse(self.Room.sudo(other).search([("id", "=", room.id)]))
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            self.Room.sudo(other).create({"lot_id": self.lot.id, "room": "9"})
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            self.Debit.sudo(other).create({"room_id": room.id, "amount": 100, "bank_ref": "BD-X"})
        with self.assertRaises(AccessError):
            debit.sudo(self.users["operator"]).action_process()
        with self.assertRaises(AccessError):
            debit.sudo(other).action_process()
        self.assertEqual(debit.state, "new")
        with self.assertRaises(AccessError):
            self.Room.sudo(self.users["operator"]).create({"lot_id": self.lot.id, "room": "9"})
        with self.assertRaises(AccessError):
            room.sudo(self.users["lot_staff"]).unlink()
