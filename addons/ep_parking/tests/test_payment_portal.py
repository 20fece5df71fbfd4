"""The owner's payment pages over HTTP (seed 000 §2.3.7, §2.2.4, §2.3.11), as a phone's browser walks
them: plate → fee → order → the local test gateway's checkout → order status page."""
import re
import secrets
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError

from .common import EpHttpCase, ago, make_division, make_vendor_lot, setup_payments

PLATE = "粤B12345"


class TestPaymentPortal(EpHttpCase):

    def setUp(self):
        super().setUp()
        division = make_division(self.env, "T-PAY")
        fixture = make_vendor_lot(self.env, division, code="T-PAY-1", token="pay-token-0123456789abcdef")
        self.lot, self.gate_in, self.gate_out = fixture["lot"], fixture["gate_in"], fixture["gate_out"]
        channels = setup_payments(self.env, self.lot, ("wechat", "full_deduction", "cash"))
        self.wechat, self.deduction = channels["wechat"], channels["full_deduction"]
        self.Order = self.env["ep.parking.order"]
        self.Gateway = self.env["ep.parking.test.payment"]

    # ------------------------------------------------------------ helpers
    def enter(self, plate=PLATE, **delta):
        return self.env["ep.parking.passage"].create({
            "lot_id": self.lot.id, "plate": plate, "direction": "in", "passage_time": ago(**delta),
            "event_ref": "pay-in-%s-%s" % (plate, secrets.token_hex(4))})

    def local(self, value):
        return self.env["ep.parking.unplated"].with_context(tz="Asia/Shanghai")._format_time(value)

    def plate_orders(self):
        """The test car's orders at the test lot (demo data has other orders for the same plate)."""
        return self.Order.search([("lot_id", "=", self.lot.id), ("plate", "=", PLATE)])

    def search_plate(self, plate=PLATE):
        url = "/ep/qr/l/%s" % self.lot.code
        return self.post(self.open(url), url, plate=plate)

    def pay_with_wechat(self, page, **data):
        """The fee page's "Pay" button with WeChat: lands on the test gateway's checkout."""
        data = dict(data, lot_id=str(self.lot.id), plate=PLATE, channel_id=str(self.wechat.id))
        checkout = self.post(page, "/ep/pay/plate", **data)
        self.assertIn("/ep/pay/test/", checkout.url)
        self.assertIn("no real money", checkout.text)
        return checkout

    def make_owner(self, balance):
        owner = self.env["res.users"].create({
            "name": "Owner", "login": "ep_pay_owner", "password": "Ep-Pay-Owner-2026!",
            "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])]})
        owner.partner_id.ep_deduction_balance = balance
        return owner

    def offered(self, page):
        """The channels a page offers (its radio buttons)."""
        inputs = re.findall(r'<input[^>]*name="channel_id"[^>]*>', page.text)
        return self.env["ep.parking.payment.method"].browse(
            [int(re.search(r'value="(\d+)"', tag).group(1)) for tag in inputs])

    def checkout_path(self, order):
        return "/ep/pay/test/%s" % self.Gateway._find(order).token

    # ------------------------------------------------------------ tests
    def test_lot_qr_plate_fee_and_test_gateway(self):
        entry = self.enter(minutes=419)  # the seed's example: 7 h cost 9
        found = self.search_plate("粤b·12345")
        self.assertIn(self.local(entry.passage_time), found.text)
        self.assertIn("6 h 59 min", found.text)
        amount_due = re.search(r'class="o_ep_amount_due">(.*?)</strong>', found.text, re.S).group(1)
        self.assertIn("9.00", amount_due)
        self.assertIn("First 180 min", found.text)  # the fee lines
        # online channels only (cash is paid at the booth); anonymous visitors have no deduction balance
        self.assertEqual(self.offered(found), self.wechat)

        checkout = self.pay_with_wechat(found)
        order = self.plate_orders()
        self.assertEqual((order.state, order.amount, order.channel_id, order.entry_passage_id),
                         ("unpaid", 9.0, self.wechat, entry))
        self.assertFalse(order.gate_id)
        self.assertTrue(checkout.url.endswith(self.checkout_path(order)))
        self.assertIn(order.name, checkout.text)
        self.assertIn(self.lot.name, checkout.text)  # the merchant

        status = self.post(checkout, self.checkout_path(order) + "/pay", notify="1")
        self.assertIn("/ep/pay/order/%s?token=" % order.id, status.url)
        self.assertEqual(order.state, "paid")
        self.assertEqual(order.move_id.state, "posted")
        self.assertEqual(order.pay_until, fields.Datetime.to_string(
            fields.Datetime.from_string(order.paid_at) + timedelta(minutes=10)))
        self.assertIn("Please leave before", status.text)
        self.assertIn(self.local(order.pay_until), status.text)
        self.assertNotIn("Waiting for payment", status.text)

        # the checkout replayed: nothing is paid twice
        again = self.post(checkout, self.checkout_path(order) + "/pay", notify="1")
        self.assertIn("Only a pending payment can be paid", again.text)
        self.assertEqual(self.env["account.move"].search_count([("ref", "=", order.name)]), 1)
        self.assertEqual(len(self.plate_orders().filtered(lambda o: o.state == "paid")), 1)
        # the same plate searched again: paid, leave before the grace time ends
        found = self.search_plate()
        self.assertIn("There is nothing to pay now", found.text)
        self.assertIn(self.local(order.pay_until), found.text)
        self.assertNotIn("/ep/pay/plate", found.text)

        # tokens are the only way in; visitors cannot read orders themselves
        self.open("/ep/pay/order/%s?token=%s" % (order.id, "0" * 32), expect=404)
        self.open("/ep/pay/order/%s" % order.id, expect=404)
        self.open("/ep/pay/test/%s" % ("0" * 32), expect=404)
        with self.assertRaises(AccessError):
            self.Order.sudo(self.env.ref("base.public_user")).search([("id", "=", order.id)])
        self.assertFalse(self.Order.sudo(self.make_owner(0)).search([("id", "=", order.id)]))  # not theirs

    def test_not_in_lot_and_no_tariff(self):
        self.assertIn("is not in the lot %s" % self.lot.name, self.search_plate().text)
        self.enter(minutes=419)
        self.lot.tariff_ids.action_retire()
        found = self.search_plate()
        self.assertIn("has no published tariff", found.text)
        self.assertNotIn("/ep/pay/plate", found.text)
        # no form of the page, no order either
        page = self.open("/ep/qr/l/%s" % self.lot.code)
        self.post(page, "/ep/pay/plate", lot_id=str(self.lot.id), plate=PLATE, channel_id=str(self.wechat.id))
        self.assertFalse(self.plate_orders())

    def test_cancel_then_pay_with_a_lost_notification(self):
        self.enter(minutes=419)
        checkout = self.pay_with_wechat(self.search_plate())
        order = self.plate_orders()
        first = self.Gateway._find(order)
        status = self.post(checkout, "/ep/pay/test/%s/cancel" % first.token)
        self.assertEqual((first.state, order.state), ("cancelled", "unpaid"))
        self.assertIn("Waiting for payment", status.text)
        # back to the checkout: a new gateway payment, paid without the gateway notifying us
        checkout = self.post(status, "/ep/pay/order/%s/checkout" % order.id, token=order.access_token)
        second = self.Gateway._find(order)
        self.assertNotEqual(first, second)
        self.assertTrue(checkout.url.endswith("/ep/pay/test/%s" % second.token))
        self.assertIn("Pay without notifying", checkout.text)
        status = self.post(checkout, "/ep/pay/test/%s/pay" % second.token, notify="0")
        self.assertEqual((second.state, order.state), ("paid", "unpaid"))
        self.assertIn("Waiting for payment", status.text)
        # "I have paid": the order asks the gateway (§2.3.8 C 查单)
        status = self.post(status, "/ep/pay/order/%s/check" % order.id, token=order.access_token)
        self.assertEqual((order.state, order.third_party_ref), ("paid", second.transaction))
        self.assertIn("Please leave before", status.text)

    def test_exit_gate_qr_plate_path_opens_the_gate(self):
        self.enter(minutes=299)  # 5 h: 7.00
        gate_url = "/ep/qr/g/%s" % self.gate_out.qr_token
        page = self.open(gate_url)
        self.assertIn('name="phone"', page.text)  # the unplated path is still there
        self.assertIn('href="%s/plate"' % gate_url, page.text)
        page = self.open(gate_url + "/plate")
        self.assertNotIn("o_ep_fee_quote", page.text)
        found = self.post(page, gate_url + "/plate", plate=PLATE)
        self.assertIn("7.00", re.search(r'class="o_ep_amount_due">(.*?)</strong>', found.text, re.S).group(1))
        self.assertIn('name="qr_token" value="%s"' % self.gate_out.qr_token, found.text)
        checkout = self.pay_with_wechat(found, qr_token=self.gate_out.qr_token)
        order = self.plate_orders()
        self.assertEqual((order.gate_id, order.amount, order.state), (self.gate_out, 7.0, "unpaid"))
        self.assertFalse(order.command_id)  # the gate waits for the money
        status = self.post(checkout, self.checkout_path(order) + "/pay", notify="1")
        command = order.command_id
        self.assertEqual((order.state, command.device_id, command.command, command.state),
                         ("paid", self.gate_out, "open_gate", "queued"))
        self.assertEqual((command.origin_model, command.origin_id), (order._name, order.id))
        self.assertIn("The gate is opening", status.text)
        self.assertIn('http-equiv="refresh"', status.text)  # the page looks again by itself
        command.write({"state": "acked"})
        status = self.open(status.url[status.url.index("/ep/pay/order/"):])
        self.assertIn("The gate is open", status.text)
        self.assertNotIn('http-equiv="refresh"', status.text)
        command.write({"state": "dead"})
        self.assertIn("The gate did not open", self.open(status.url[status.url.index("/ep/pay/order/"):]).text)
        # entry gates have no plate path; unknown codes are not found
        self.open("/ep/qr/g/%s/plate" % self.gate_in.qr_token, expect=404)
        self.open("/ep/qr/g/%s/plate" % ("0" * 32), expect=404)

    def test_unplated_exit_pays_then_leaves(self):
        phone = "139%08d" % secrets.randbelow(10 ** 8)  # no earlier code of the database throttles it
        Visit = self.env["ep.parking.unplated"]
        visit = Visit.create({"lot_id": self.lot.id, "entry_gate_id": self.gate_in.id, "phone": phone,
                              "entry_time": ago(minutes=419)})
        visit.entry_passage_id = self.env["ep.parking.passage"].create(visit._prepare_passage_vals("in"))
        gate_url = "/ep/qr/g/%s" % self.gate_out.qr_token
        page = self.post(self.open(gate_url), gate_url + "/code", phone=phone)
        message = self.env["ep.parking.sms.message"].search([("phone", "=", phone)], limit=1)
        code = re.search(r"\b(\d{6})\b", message.body).group(1)
        page = self.post(page, gate_url + "/verify", phone=phone, code=code)
        self.assertIn("Pay and leave", page.text)
        self.assertIn("9.00", page.text)
        self.assertEqual(self.offered(page), self.wechat)
        # a channel must be chosen
        again = self.post(page, gate_url + "/exit", visit_id=str(visit.id))
        self.assertIn("Please choose how to pay", again.text)
        self.assertFalse(self.Order.search([("res_model", "=", visit._name), ("res_id", "=", visit.id)]))
        checkout = self.post(again, gate_url + "/exit", visit_id=str(visit.id), channel_id=str(self.wechat.id))
        order = self.Order.search([("res_model", "=", visit._name), ("res_id", "=", visit.id)])
        self.assertEqual((order.state, order.amount, order.plate), ("unpaid", 9.0, visit.plate))
        self.assertTrue(checkout.url.endswith(self.checkout_path(order)))
        self.assertEqual(visit.state, "in_lot")
        page = self.post(checkout, self.checkout_path(order) + "/pay", notify="1")
        self.assertTrue(page.url.endswith("/ep/unplated/visit/%s" % visit.id))
        self.assertEqual((order.state, visit.state), ("paid", "left"))
        self.assertEqual((visit.exit_command_id.device_id, visit.exit_passage_id.amount_paid), (self.gate_out, 9))
        self.assertIn("Left", page.text)
        self.assertIn("The gate is opening", page.text)
        # the order's page tells the same
        status = self.open("/ep/pay/order/%s?token=%s" % (order.id, order.access_token))
        self.assertIn("The gate is opening", status.text)
        self.assertIn("/ep/unplated/visit/%s" % visit.id, status.text)

    def test_deduction_offered_only_when_the_balance_covers_the_fee(self):
        """§2.3.11: 用户的抵扣金足够时，才能出现抵扣选项."""
        self.enter(minutes=419)  # 9.00
        owner = self.make_owner(5)
        self.cr.commit()  # pylint: disable=invalid-commit
        self.authenticate("ep_pay_owner", "Ep-Pay-Owner-2026!")
        found = self.search_plate()
        self.assertEqual(self.offered(found), self.wechat)
        # posting the hidden channel anyway is refused, nothing is ordered
        refused = self.post(found, "/ep/pay/plate", lot_id=str(self.lot.id), plate=PLATE,
                            channel_id=str(self.deduction.id))
        self.assertIn("Please choose how to pay", refused.text)
        self.assertFalse(self.plate_orders())
        # a lot that does not take the balance never shows it
        owner.partner_id.ep_deduction_balance = 50
        self.lot.full_deduction = False
        self.assertEqual(self.offered(self.search_plate()), self.wechat)
        self.lot.full_deduction = True
        found = self.search_plate()
        self.assertEqual(self.offered(found), self.wechat | self.deduction)
        self.assertIn("50.00", found.text)  # the balance, next to the option
        status = self.post(found, "/ep/pay/plate", lot_id=str(self.lot.id), plate=PLATE,
                           channel_id=str(self.deduction.id))
        order = self.plate_orders()
        self.assertIn("/ep/pay/order/%s?token=" % order.id, status.url)  # paid at once, no checkout
        self.assertEqual((order.state, order.channel_id, order.partner_id), ("paid", self.deduction, owner.partner_id))
        self.assertEqual(owner.partner_id.ep_deduction_balance, 41)
        self.assertFalse(self.Gateway._find(order))
        self.assertIn("Please leave before", status.text)
