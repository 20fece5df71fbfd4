from datetime import datetime
from decimal import Decimal

from odoo import fields
from odoo.addons.ep_parking.models.ep_parking_tariff import from_lot_time, to_lot_time
from odoo.exceptions import AccessError, UserError

from .common import EpMonthcardCase


def utc(local):
    """A local lot time as the stored (UTC) datetime string."""
    return fields.Datetime.to_string(from_lot_time(local))


class EpRenewalCase(EpMonthcardCase):
    """Cards ending at a known local instant, and the renew wizard as a role sees it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Renewal = cls.env["ep.monthcard.renewal"]
        cls.Wizard = cls.env["ep.monthcard.renew.wizard"]

    def card_ending(self, local_end, plate="京A12345", rule=None, **vals):
        """A card in use whose validity ends at ``local_end`` (lot time)."""
        return self.new_card(plate=plate, rule=rule, date_end=utc(local_end), **vals)

    def wizard(self, card, quantity=1, channel=None, role="lot_staff", **vals):
        values = {"card_id": card.id, "quantity": quantity, "channel_id": (channel or self.cash).id, "source": "lot"}
        values.update(vals)
        return self.Wizard.sudo(self.users[role]).create(values)

    def renewal_of(self, action):
        self.assertEqual(action["res_model"], "ep.monthcard.renewal")
        return self.Renewal.browse(action["res_id"])

    def pay_online(self, order):
        """The owner pays ``order`` at the local test gateway."""
        order.action_start_payment()
        self.env["ep.parking.test.payment"]._find(order)._pay()


class TestRenewal(EpRenewalCase):
    """§2.3.6 A 月卡续费 (+ §2.1.3 跨月续费, §2.3.8 B c/d): quotes, orders, payment, validity."""

    def test_seed_quote_cross_month_and_natural_month(self):
        rule = self.Rule.create({"name": "30", "lot_id": self.lot.id, "price": 30})
        card = self.card_ending(datetime(2030, 9, 25, 23, 59, 59), rule=rule)
        self.lot.cross_month_renewal = True
        quote = self.Renewal._get_quote(card, 2)
        self.assertEqual((quote.amount, quote.start, quote.end),
                         (Decimal("60.00"), datetime(2030, 9, 26), datetime(2030, 11, 25, 23, 59, 59)))
        self.lot.cross_month_renewal = False
        quote = self.Renewal._get_quote(card, 2)
        self.assertEqual((quote.amount, quote.end), (Decimal("35.00"), datetime(2030, 10, 31, 23, 59, 59)))
        # the wizard shows the same quote, the stored end in UTC, with the day-charged line
        wizard = self.wizard(card, 2)
        self.assertEqual((wizard.amount, wizard.date_to), (35.0, utc(datetime(2030, 10, 31, 23, 59, 59))))
        self.assertIn("5/30 days", wizard.quote_text)
        self.assertFalse(wizard.quote_error)

    def test_spaces_and_year_rule(self):
        self.lot.cross_month_renewal = True
        card = self.card_ending(datetime(2030, 9, 25, 23, 59, 59), rule=self.basement, spaces=2)
        self.assertEqual(self.Renewal._get_quote(card, 3).amount, Decimal("1200.00"))
        year = self.Rule.create({"name": "Year", "lot_id": self.lot.id, "price": 1000, "rule_type": "year"})
        card = self.card_ending(datetime(2030, 9, 25, 23, 59, 59), plate="京A00009", rule=year)
        quote = self.Renewal._get_quote(card, 1)
        self.assertEqual((quote.amount, quote.end), (Decimal("1000.00"), datetime(2031, 9, 25, 23, 59, 59)))
        self.lot.cross_month_renewal = False  # years run month to month whatever the lot
        self.assertEqual(self.Renewal._get_quote(card, 2).end, datetime(2032, 9, 25, 23, 59, 59))

    def test_expired_card_starts_today(self):
        card = self.new_card(days_left=-40, date_start=utc(datetime(2020, 1, 1)))
        today = to_lot_time(fields.Datetime.now())
        self.assertEqual(self.Renewal._get_start(card), datetime(today.year, today.month, today.day))
        action = self.wizard(card, 1).action_paid_at_lot()
        renewal = self.renewal_of(action)
        self.assertEqual(to_lot_time(card.date_start), datetime(today.year, today.month, today.day))
        self.assertEqual(card.date_end, renewal.date_to)
        self.assertTrue(self.lot._plate_has_valid_month_card(card.plate))

    def test_minimum_purchase_and_refused_cards(self):
        self.ground.min_purchase = 3
        card = self.card_ending(datetime(2030, 9, 25, 23, 59, 59))
        with self.assertRaisesRegex(UserError, "at least 3 periods"):
            self.wizard(card, 2).action_create_order()
        form = self.Wizard.new({"card_id": card.id})
        form._onchange_card_id()
        self.assertEqual((form.quantity, form.channel_id), (3, self.wechat), "the rule's minimum, a channel of it")
        form._onchange_channel_id()
        self.assertEqual(form.source, "online")
        cancelled = self.new_card(plate="京A00002", state="cancelled")
        with self.assertRaisesRegex(UserError, "is cancelled"):
            self.wizard(cancelled, 3).action_create_order()
        norule = self.new_card(plate="京A00003", rule=self.Rule)
        self.assertIn("has no rule", self.wizard(norule).quote_error)
        self.assertFalse(self.Renewal.search([("card_id", "in", (card | cancelled | norule).ids)]))

    def test_paid_at_the_lot_extends_the_card_and_posts(self):
        self.lot.cross_month_renewal = True
        card = self.card_ending(datetime(2030, 9, 25, 23, 59, 59))
        action = self.wizard(card, 2, transaction="BOOTH-42").action_paid_at_lot()
        renewal = self.renewal_of(action)
        order = renewal.order_id
        self.assertEqual((renewal.state, renewal.source, renewal.amount), ("done", "lot", 200.0))
        self.assertEqual(card.date_end, utc(datetime(2030, 11, 25, 23, 59, 59)))
        self.assertEqual((order.state, order.kind, order.amount, order.channel_id, order.third_party_ref),
                         ("paid", "month_card", 200.0, self.cash, "BOOTH-42"))
        self.assertEqual((order.res_model, order.res_id), ("ep.monthcard.renewal", renewal.id))
        move = order.move_id
        self.assertEqual(move.state, "posted")
        self.assertEqual(sum(move.line_ids.mapped("credit")), 200.0)
        self.assertEqual(renewal.move_id, move)
        # the card is sent to the vendor with its new end
        self.assertEqual(self.last_command(card).command, "monthcard_upsert")
        self.assertTrue(any("Renewed for 2 periods" in message.body for message in card.message_ids))

    def test_online_order_paid_at_the_gateway(self):
        owner = self.env["res.partner"].create({"name": "Owner"})
        card = self.card_ending(datetime(2030, 9, 30, 23, 59, 59), partner_id=owner.id)
        renewal = self.renewal_of(self.wizard(card, 1, channel=self.wechat, source="online").action_create_order())
        self.assertEqual((renewal.state, renewal.order_id.state, renewal.partner_id), ("ordered", "unpaid",
                                                                                       card.partner_id))
        with self.assertRaisesRegex(UserError, "paid online"):
            renewal.sudo(self.users["lot_staff"]).action_confirm_paid()
        self.assertEqual(card.date_end, utc(datetime(2030, 9, 30, 23, 59, 59)), "unpaid: nothing changes")
        self.pay_online(renewal.order_id)
        self.assertEqual(renewal.state, "done")
        self.assertEqual(card.date_end, utc(datetime(2030, 10, 31, 23, 59, 59)))
        self.assertTrue(renewal.order_id.move_id)

    def test_unpaid_offline_order_confirmed_later_and_cancel(self):
        card = self.card_ending(datetime(2030, 9, 30, 23, 59, 59))
        renewal = self.renewal_of(self.wizard(card, 1).action_create_order())
        self.assertEqual(renewal.order_id.state, "unpaid")
        renewal.sudo(self.users["lot_staff"]).action_confirm_paid()
        self.assertEqual((renewal.state, renewal.order_id.state), ("done", "paid"))
        with self.assertRaisesRegex(UserError, "cannot be cancelled"):
            renewal.action_cancel()
        other = self.renewal_of(self.wizard(card, 1).action_create_order())
        other.sudo(self.users["lot_staff"]).action_cancel()
        self.assertEqual((other.state, other.order_id.state), ("cancelled", "cancelled"))
        self.assertEqual(card.date_end, utc(datetime(2030, 10, 31, 23, 59, 59)))

    def test_two_renewals_paid_out_of_order_both_count(self):
        self.lot.cross_month_renewal = True
        card = self.card_ending(datetime(2030, 9, 25, 23, 59, 59))
        first = self.renewal_of(self.wizard(card, 1).action_create_order())
        second = self.renewal_of(self.wizard(card, 2).action_create_order())
        self.assertEqual((first.amount, second.amount), (100.0, 200.0))
        second.action_confirm_paid()
        self.assertEqual(card.date_end, utc(datetime(2030, 11, 25, 23, 59, 59)))
        first.action_confirm_paid()
        self.assertEqual(card.date_end, utc(datetime(2030, 12, 25, 23, 59, 59)))
        self.assertEqual(first.date_from, utc(datetime(2030, 11, 26)), "placed after the other one")
        self.assertEqual(first.amount, 100.0, "the amount stays as quoted")
        # a replayed payment changes nothing
        first._ep_order_paid(first.order_id)
        self.assertEqual(card.date_end, utc(datetime(2030, 12, 25, 23, 59, 59)))

    def test_card_refusing_online_renewal(self):
        card = self.card_ending(datetime(2030, 9, 30, 23, 59, 59), allow_online_renewal=False)
        with self.assertRaisesRegex(UserError, "cannot be renewed online"):
            self.wizard(card, 1, channel=self.wechat).action_create_order()
        self.assertFalse(self.Renewal.search([("card_id", "=", card.id)]), "nothing is left behind")
        self.assertEqual(self.renewal_of(self.wizard(card, 1).action_paid_at_lot()).state, "done")

    def test_rule_restrictions(self):
        self.ground.channel_ids = self.cash
        card = self.card_ending(datetime(2030, 9, 30, 23, 59, 59))
        with self.assertRaisesRegex(UserError, "cannot be paid through"):
            self.wizard(card, 1, channel=self.wechat).action_create_order()
        self.ground.purchase_deadline = "2030-11-15"
        with self.assertRaisesRegex(UserError, "up to 2030-11-15 only"):
            self.wizard(card, 2).action_create_order()
        self.ground.action_forbid()
        with self.assertRaisesRegex(UserError, "forbidden"):
            self.wizard(card, 1).action_create_order()

    def test_bank_debit_helper_checks_the_amount(self):
        card = self.card_ending(datetime(2030, 9, 30, 23, 59, 59))
        with self.assertRaisesRegex(UserError, "does not pay 2 periods"), self.env.cr.savepoint():
            self.Renewal._create_paid_renewal(card, 2, self.cash, "DEBIT-1", "bank_debit", amount=150)
        renewal = self.Renewal._create_paid_renewal(card, 2, self.cash, "DEBIT-2", "bank_debit", amount=200)
        self.assertEqual((renewal.state, renewal.source, renewal.order_id.third_party_ref),
                         ("done", "bank_debit", "DEBIT-2"))

    def test_region_access(self):
        card = self.card_ending(datetime(2030, 9, 30, 23, 59, 59))
        renewal = self.renewal_of(self.wizard(card, 1).action_paid_at_lot())
        self.assertEqual(renewal.create_uid, self.users["lot_staff"], "lot staff renew without order rights")
        self.assertEqual(renewal.sudo(self.users["operator"]).state, "done")
        self.assertEqual(renewal.sudo(self.users["finance"]).amount, 100.0)
        with self.assertRaises(AccessError):
            renewal.sudo(self.other_staff).read(["state"])
        self.assertFalse(self.Renewal.sudo(self.other_staff).search([("card_id", "=", card.id)]))
        with self.assertRaises(AccessError):
            self.wizard(card, 1, role="operator").action_paid_at_lot()
        with self.assertRaises(AccessError):
            self.Wizard.sudo(self.other_staff).create({
                "card_id": card.id, "quantity": 1, "channel_id": self.cash.id, "source": "lot"}).action_paid_at_lot()
        self.assertEqual(self.Renewal.search_count([("card_id", "=", card.id)]), 1)
        self.assertEqual(card.date_end, renewal.date_to)

    def test_bound_actions_and_menu(self):
        renew = self.env.ref("ep_monthcard.ep_monthcard_renew_wizard_action")
        self.assertEqual((renew.binding_model_id.model, renew.res_model, renew.target),
                         ("ep.monthcard", "ep.monthcard.renew.wizard", "new"))
        card = self.new_card()
        wizard = self.Wizard.with_context(active_model="ep.monthcard", active_id=card.id).create(
            {"quantity": 1, "channel_id": self.cash.id})
        self.assertEqual(wizard.card_id, card)
        menu = self.env.ref("ep_monthcard.ep_monthcard_renewal_menu")
        self.assertEqual(menu.parent_id, self.env.ref("ep_monthcard.monthcard_menu"))
