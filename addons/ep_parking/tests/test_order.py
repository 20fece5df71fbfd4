import json
from datetime import timedelta
from decimal import Decimal

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError

from ..lib import payment as pay
from ..models.ep_parking_order import FeeQueryError
from .common import EpHttpCase, EpParkingLotCase, ago, make_division, make_vendor_lot, setup_payments

PLATE = "京A12345"


def later(value, **delta):
    return fields.Datetime.to_string(fields.Datetime.from_string(value) + timedelta(**delta))


class OrderCase(EpParkingLotCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.channels = setup_payments(cls.env, cls.lot)
        cls.Order = cls.env["ep.parking.order"]
        cls.Passage = cls.env["ep.parking.passage"]

    def enter(self, plate=PLATE, lot=None, **delta):
        lot = lot or self.lot
        return self.Passage.create({"lot_id": lot.id, "plate": plate, "direction": "in",
                                    "passage_time": ago(**delta), "event_ref": "in-%s-%s" % (plate, delta)})

    def leave(self, entry, at=None, **vals):
        values = {"lot_id": entry.lot_id.id, "plate": entry.plate, "direction": "out",
                  "passage_time": at or fields.Datetime.now(), "event_ref": "out-%s" % entry.id}
        values.update(vals)
        return self.Passage.create(values)

    def pay(self, order, notify=True):
        order.action_start_payment("/done")
        return self.env["ep.parking.test.payment"]._find(order)._pay(notify=notify)


class TestFeeQuote(OrderCase):

    def test_seed_example_seven_hours_costs_nine(self):
        entry = self.enter(minutes=419)
        quote = self.Order._get_fee_quote(self.lot, "京a12345")
        self.assertEqual(quote["entry"], entry)
        self.assertEqual((quote["fee"], quote["amount_due"], quote["paid"]), (Decimal("9.00"),) * 2 + (0,))
        self.assertEqual(quote["minutes"], 419)
        self.assertEqual(sum(amount for _label, amount in quote["lines"]), Decimal("9.00"))
        body = self.Order._quote_to_json(quote)
        self.assertEqual((body["result"], body["amount_due"], body["plate"]), (0, "9.00", PLATE))

    def test_earlier_paid_stay_in_the_cycle_counts_without_repeat(self):
        """Seed: 7 h paid 9, back 1 h later for 2 h → 1 more, then nothing within 24 h."""
        first = self.enter(hours=10)
        self.leave(first, at=ago(hours=3), amount_due=9, amount_paid=9)
        self.enter(hours=2)
        self.assertEqual(self.Order._get_fee_quote(self.lot, PLATE)["amount_due"], Decimal("1.00"))

    def test_car_not_in_lot_or_lot_without_tariff(self):
        with self.assertRaises(FeeQueryError) as error:
            self.Order._get_fee_quote(self.lot, PLATE)
        self.assertEqual(error.exception.reason, "not_in_lot")
        self.enter(plate=PLATE, lot=self.other_lot, hours=1)
        with self.assertRaises(FeeQueryError) as error:
            self.Order._get_fee_quote(self.other_lot, PLATE)
        self.assertEqual(error.exception.reason, "no_tariff")

    def test_grace_period_then_the_difference(self):
        self.enter(minutes=419)
        order = self.Order._create_temporary_order(self.lot, PLATE, self.channels["wechat"])
        self.pay(order)
        self.assertEqual(order.state, "paid")
        self.assertEqual(order.pay_until, later(order.paid_at, minutes=10))
        within = self.Order._get_fee_quote(self.lot, PLATE, at=later(order.paid_at, minutes=9))
        self.assertEqual((within["amount_due"], within["pay_until"]), (Decimal("0.00"), order.pay_until))
        with self.assertRaises(UserError):  # nothing to pay now
            self.Order._create_temporary_order(self.lot, PLATE, self.channels["wechat"])
        # leaving 75 min after paying: the stay is now 8 h 15 → 10 (cap), 9 paid → 1 more
        late = self.Order._get_fee_quote(self.lot, PLATE, at=later(order.paid_at, minutes=75))
        self.assertEqual((late["fee"], late["paid"], late["amount_due"]),
                         (Decimal("10.00"), Decimal("9.00"), Decimal("1.00")))
        self.assertFalse(late["pay_until"])


class TestOrderPayment(OrderCase):

    def test_notification_replayed_pays_once_and_posts_once(self):
        self.enter(minutes=419)
        order = self.Order._create_temporary_order(self.lot, PLATE, self.channels["wechat"])
        gateway = self.pay(order)
        payload = self.env["ep.parking.payment.provider"]._test_notification(gateway)
        for _attempt in range(3):
            self.assertEqual(self.Order._process_notification("test", payload), order)
        moves = self.env["account.move"].search([("ref", "=", order.name)])
        self.assertEqual((order.state, len(moves), order.third_party_ref), ("paid", 1, gateway.transaction))
        # a second gateway transaction for the paid order is logged, not booked
        other = pay.signed(self.env["ep.parking.payment.provider"]._get_secret("test"),
                           dict(payload, transaction="T-OTHER"))
        self.Order._process_notification("test", other)
        self.assertEqual(self.env["account.move"].search_count([("ref", "=", order.name)]), 1)
        self.assertIn("T-OTHER", order.message_ids[0].body)

    def test_bad_notifications_change_nothing(self):
        self.enter(minutes=419)
        order = self.Order._create_temporary_order(self.lot, PLATE, self.channels["wechat"])
        secret = self.env["ep.parking.payment.provider"]._get_secret("test")
        base = {"reference": order.name, "transaction": "T1", "amount": "9.00", "status": "paid",
                "paid_at": "2026-01-01 10:00:00"}
        cases = [("amount", pay.signed(secret, dict(base, amount="1.00"))),
                 ("sign", dict(pay.signed(secret, base), sign="0" * 64)),
                 ("reference", pay.signed(secret, dict(base, reference="EP-NOPE")))]
        for field, payload in cases:
            with self.assertRaises(pay.PaymentError) as error:
                self.Order._process_notification("test", payload)
            self.assertEqual(error.exception.field, field)
        failed = self.Order._process_notification("test", pay.signed(secret, dict(base, status="failed")))
        self.assertEqual((failed.state, failed.move_id.id), ("unpaid", False))

    def test_journal_entry_by_channel_and_lot(self):
        self.enter(minutes=419)
        order = self.Order._create_temporary_order(self.lot, PLATE, self.channels["wechat"])
        self.pay(order)
        move = order.move_id
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.journal_id, self.channels["wechat"].with_context(
            force_company=self.lot.company_id.id).journal_id)
        revenue = move.line_ids.filtered(lambda line: line.credit)
        cash = move.line_ids.filtered(lambda line: line.debit)
        self.assertEqual((revenue.credit, cash.debit), (9.0, 9.0))
        self.assertEqual(revenue.account_id.code, "EP4001")
        self.assertEqual(revenue.analytic_account_id, self.lot.analytic_account_id)
        self.assertEqual(cash.account_id, move.journal_id.default_debit_account_id)
        analytic = self.env["account.analytic.line"].search([("account_id", "=", self.lot.analytic_account_id.id)])
        self.assertEqual(analytic.mapped("amount"), [9.0])
        # another channel books in its own journal
        self.enter(plate="京B54321", hours=4)
        cash_order = self.Order._create_temporary_order(self.lot, "京B54321", self.channels["cash"])
        cash_order._set_paid("BOOTH-1")
        self.assertNotEqual(cash_order.move_id.journal_id, move.journal_id)
        self.assertEqual(cash_order.move_id.journal_id.type, "cash")

    def test_refund_reverses_the_entry(self):
        self.enter(minutes=419)
        order = self.Order._create_temporary_order(self.lot, PLATE, self.channels["wechat"])
        gateway = self.pay(order)
        with self.assertRaises(AccessError):
            order.sudo(self.users["finance"]).action_refund()
        order.sudo(self.users["manager"]).action_refund()
        self.assertEqual((order.state, gateway.state), ("refunded", "refunded"))
        lines = order.refund_move_id.line_ids
        self.assertEqual(sum(lines.mapped("debit")), 9.0)
        self.assertEqual(lines.filtered(lambda line: line.account_id.code == "EP4001").debit, 9.0)
        with self.assertRaises(UserError):
            order.action_refund()

    def test_unpaid_check_finds_lost_notifications_and_cancels_stale_orders(self):
        self.enter(minutes=419)
        lost = self.Order._create_temporary_order(self.lot, PLATE, self.channels["wechat"])
        self.pay(lost, notify=False)
        self.enter(plate="京B54321", minutes=419)
        stale = self.Order._create_temporary_order(self.lot, "京B54321", self.channels["wechat"])
        stale.action_start_payment()
        self.env.cr.execute("UPDATE ep_parking_order SET create_date = %s WHERE id = %s", [ago(minutes=5), lost.id])
        self.env.cr.execute("UPDATE ep_parking_order SET create_date = %s WHERE id = %s", [ago(hours=1), stale.id])
        self.Order.invalidate_cache()
        self.assertEqual(lost.state, "unpaid")
        self.Order._cron_check_unpaid()
        self.assertEqual((lost.state, stale.state), ("paid", "cancelled"))
        self.assertTrue(lost.move_id)

    def test_full_deduction_balance(self):
        partner = self.env["res.partner"].create({"name": "Owner", "ep_deduction_balance": 20})
        self.enter(minutes=419)
        order = self.Order._create_temporary_order(self.lot, PLATE, self.channels["full_deduction"], partner=partner)
        self.assertIsNone(order.action_start_payment())
        self.assertEqual((order.state, partner.ep_deduction_balance), ("paid", 11.0))
        poor = self.env["res.partner"].create({"name": "Poor", "ep_deduction_balance": 5})
        self.enter(plate="京B54321", minutes=419)
        order = self.Order._create_temporary_order(self.lot, "京B54321", self.channels["full_deduction"],
                                                   partner=poor)
        with self.assertRaises(UserError):
            order.action_start_payment()
        self.assertEqual((order.state, poor.ep_deduction_balance), ("unpaid", 5.0))


class TestPaymentRestrictions(OrderCase):

    def test_lot_channel_kind_and_online_restrictions(self):
        self.enter(minutes=419)
        alipay = self.env.ref("ep_parking.payment_method_alipay")
        with self.assertRaisesRegex(UserError, "does not accept"):
            self.Order._create_temporary_order(self.lot, PLATE, alipay)
        with self.assertRaisesRegex(UserError, "cannot pay this kind"):
            self.Order._create_temporary_order(self.lot, PLATE, self.channels["ipos"])
        self.lot.online_payment = False
        with self.assertRaisesRegex(UserError, "online"):
            self.Order._create_temporary_order(self.lot, PLATE, self.channels["wechat"])
        self.lot.write({"online_payment": True, "full_deduction": False})
        with self.assertRaisesRegex(UserError, "deduction"):
            self.Order._create_temporary_order(self.lot, PLATE, self.channels["full_deduction"])
        self.assertFalse(self.Order.search([("lot_id", "=", self.lot.id)]))
        with self.assertRaises(ValidationError):
            self.Order.create({"lot_id": self.lot.id, "channel_id": self.channels["cash"].id, "amount": 0})


class TestExitsAndNoSense(OrderCase):

    def test_exit_links_paid_orders(self):
        entry = self.enter(minutes=419)
        order = self.Order._create_temporary_order(self.lot, PLATE, self.channels["wechat"])
        self.pay(order)
        exit_ = self.leave(entry)
        self.assertEqual(order.exit_passage_id, exit_)
        self.assertEqual((exit_.payment_kind, exit_.order_ref, exit_.amount_paid), ("online", order.name, 9.0))

    def test_nosense_car_is_debited_after_exit(self):
        self.env["ep.parking.vehicle"].create({"plate": PLATE, "nosense_channel_id":
                                               self.channels["unionpay_nosense"].id})
        entry = self.enter(minutes=419)
        exit_ = self.leave(entry)
        order = self.Order.search([("exit_passage_id", "=", exit_.id)])
        self.assertEqual((order.state, order.amount, order.channel_id),
                         ("paid", 9.0, self.channels["unionpay_nosense"]))
        self.assertEqual((exit_.paid_online, exit_.order_ref), (True, order.name))
        self.assertTrue(order.move_id)

    def test_nosense_car_that_paid_in_lot_is_not_debited_again(self):
        self.env["ep.parking.vehicle"].create({"plate": PLATE, "nosense_channel_id":
                                               self.channels["unionpay_nosense"].id})
        entry = self.enter(minutes=419)
        paid = self.Order._create_temporary_order(self.lot, PLATE, self.channels["wechat"])
        self.pay(paid)
        self.leave(entry)
        self.assertEqual(self.Order.search([("plate", "=", PLATE)]), paid)

    def test_nosense_needs_the_lot_to_accept_the_channel(self):
        self.env["ep.parking.vehicle"].create({"plate": PLATE, "nosense_channel_id":
                                               self.channels["unionpay_nosense"].id})
        self.lot.payment_method_ids -= self.channels["unionpay_nosense"]
        exit_ = self.leave(self.enter(minutes=419))
        self.assertFalse(self.Order.search([("plate", "=", PLATE)]))
        self.assertFalse(exit_.paid_online)


class TestOrderAccess(OrderCase):

    def test_staff_see_orders_of_their_regions_only(self):
        self.enter(minutes=419)
        order = self.Order._create_temporary_order(self.lot, PLATE, self.channels["cash"])
        other = make_vendor_lot(self.env, self.other_division, code="T-LOT-3", token="other-token-0123456789")
        setup_payments(self.env, other["lot"])
        self.enter(lot=other["lot"], minutes=419)
        foreign = self.Order._create_temporary_order(other["lot"], PLATE, self.channels["cash"])
        operator = self.users["operator"]
        self.assertEqual(self.Order.sudo(operator).search([("plate", "=", PLATE)]), order)
        with self.assertRaises(AccessError):
            foreign.sudo(operator).read(["amount"])
        with self.assertRaises(AccessError):
            order.sudo(operator).write({"note": "x"})
        self.assertEqual(len(self.Order.sudo(self.users["finance"]).search([("plate", "=", PLATE)])), 2)


class TestFeeApi(EpHttpCase):

    def setUp(self):
        super().setUp()
        division = make_division(self.env, "T-API")
        fixture = make_vendor_lot(self.env, division, code="T-API-1", token="api-token-0123456789abcdef")
        self.lot = fixture["lot"]
        self.channels = setup_payments(self.env, self.lot)
        self.env["ep.parking.passage"].create({"lot_id": self.lot.id, "plate": PLATE, "direction": "in",
                                               "passage_time": ago(minutes=419), "event_ref": "api-in-1"})
        self.headers = {"Authorization": "Bearer api-token-0123456789abcdef"}

    def fee(self, headers=None, **params):
        params.setdefault("lot", "T-API-1")
        params.setdefault("plate", PLATE)
        response = self.request("GET", "http://127.0.0.1:%s/ep/api/v1/fee" % self.port(), params=params,
                                headers=self.headers if headers is None else headers)
        return response.status_code, response.json()

    def port(self):
        from odoo.tools import config
        return config["http_port"]

    def test_vendor_fee_query(self):
        status, body = self.fee()
        self.assertEqual(status, 200)
        self.assertEqual((body["result"], body["amount_due"], body["fee"], body["paid"]), (0, "9.00", "9.00", "0.00"))
        self.assertEqual(body["minutes"], 419)
        self.assertEqual(sum(Decimal(line["amount"]) for line in body["lines"]), Decimal("9.00"))
        self.assertEqual((body["coupons"], body["pay_until"]), ([], None))

    def test_fee_query_errors(self):
        self.assertEqual(self.fee(headers={"Authorization": "Bearer wrong"})[0], 401)
        self.assertEqual(self.fee(headers={})[0], 401)  # anonymous
        status, body = self.fee(plate="京B99999")
        self.assertEqual((status, body["result"]), (404, 40402))
        status, body = self.fee(lot="NOPE")
        self.assertEqual((status, body["result"]), (404, 40401))
        status, body = self.fee(plate="12")
        self.assertEqual((status, body["result"]), (400, 40004))
        self.lot.tariff_ids.action_retire()
        status, body = self.fee()
        self.assertEqual((status, body["result"]), (409, 40901))

    def test_logged_in_owner_may_query(self):
        self.env["res.users"].create({"name": "Owner", "login": "ep_api_owner", "password": "Ep-Api-Owner-2026!",
                                      "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])]})
        self.cr.commit()  # pylint: disable=invalid-commit
        self.authenticate("ep_api_owner", "Ep-Api-Owner-2026!")
        status, body = self.fee(headers={})
        self.assertEqual((status, body["amount_due"]), (200, "9.00"))
        self.lot.scan_to_pay = False
        self.assertEqual(self.fee(headers={})[0], 403)

    def test_notification_over_http_replayed(self):
        order = self.env["ep.parking.order"]._create_temporary_order(self.lot, PLATE, self.channels["wechat"])
        order.action_start_payment()
        gateway = self.env["ep.parking.test.payment"]._find(order)
        gateway.write({"state": "paid", "transaction": "T-HTTP-1", "paid_at": fields.Datetime.now()})
        payload = self.env["ep.parking.payment.provider"]._test_notification(gateway)
        url = "http://127.0.0.1:%s/ep/api/v1/payment/notify/test" % self.port()
        for _attempt in range(3):
            response = self.request("POST", url, data=json.dumps(payload),
                                    headers={"Content-Type": "application/json"})
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response.json()["state"], "paid")
        self.assertEqual(self.env["account.move"].search_count([("ref", "=", order.name)]), 1)
        response = self.request("POST", url, data=json.dumps(dict(payload, amount="1.00")),
                                headers={"Content-Type": "application/json"})
        self.assertEqual((response.status_code, response.json()["field"]), (400, "sign"))
        # status after the answers: the pay-until time is 10 minutes after the gateway's payment time
        self.assertEqual(order.pay_until, later(order.paid_at, minutes=10))


class TestMyOrders(EpHttpCase):
    """§2.3.10: a car owner sees their own orders on the portal, nobody else's."""

    def test_portal_lists_own_orders_only(self):
        division = make_division(self.env, "T-PO")
        lot = make_vendor_lot(self.env, division, code="T-PO-1", token="portal-token-0123456789abc")["lot"]
        channels = setup_payments(self.env, lot)
        owner = self.env["res.users"].create({
            "name": "Owner", "login": "ep_portal_owner", "password": "Ep-Portal-Owner-2026!",
            "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])]})
        stranger = self.env["res.partner"].create({"name": "Stranger"})
        Order = self.env["ep.parking.order"]
        mine = Order.create({"lot_id": lot.id, "channel_id": channels["cash"].id, "amount": 8, "plate": PLATE,
                             "partner_id": owner.partner_id.id})
        theirs = Order.create({"lot_id": lot.id, "channel_id": channels["cash"].id, "amount": 6,
                               "plate": "京B54321", "partner_id": stranger.id})
        self.assertEqual(Order.sudo(owner).search([]), mine)
        with self.assertRaises(AccessError):
            theirs.sudo(owner).read(["amount"])
        self.cr.commit()  # pylint: disable=invalid-commit
        self.authenticate("ep_portal_owner", "Ep-Portal-Owner-2026!")
        home = self.url_open("/my/home").text
        self.assertIn("/my/parking/orders", home)
        page = self.url_open("/my/parking/orders").text
        self.assertIn(mine.name, page)
        self.assertNotIn(theirs.name, page)
        self.assertNotIn(mine.name, self.url_open("/my/parking/orders?state=paid").text)
