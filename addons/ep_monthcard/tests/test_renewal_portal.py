"""Online renewal on the portal over HTTP (seed 000 §2.3.6 A 1, §2.3.8 B d): my cards → periods and
price → order → the local test gateway → the card's new end."""
import json
import re
from datetime import datetime

from odoo import fields
from odoo.addons.ep_parking.models.ep_parking_tariff import from_lot_time
from odoo.addons.ep_parking.tests.common import EpHttpCase, make_division, make_vendor_lot, setup_payments

PASSWORD = "Ep-Card-Owner-2026!"


def utc(local):
    return fields.Datetime.to_string(from_lot_time(local))


class TestRenewalPortal(EpHttpCase):

    def setUp(self):
        super().setUp()
        division = make_division(self.env, "T-MCR")
        self.lot = make_vendor_lot(self.env, division, code="T-MCR-1", token="mcr-token-0123456789abcdef")["lot"]
        channels = setup_payments(self.env, self.lot, ("wechat", "cash"))
        self.wechat, self.cash = channels["wechat"], channels["cash"]
        self.rule = self.env["ep.monthcard.rule"].create({"name": "地面 100", "lot_id": self.lot.id, "price": 100})
        self.owner = self.env["res.users"].create({
            "name": "Card Owner", "login": "ep_card_owner", "password": PASSWORD,
            "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])]})
        self.owner.partner_id.mobile = "13600136000"  # paying needs the payer's phone (§2.3.6 D)
        stranger = self.env["res.partner"].create({"name": "Stranger"})
        Card = self.env["ep.monthcard"]
        common = {"lot_id": self.lot.id, "rule_id": self.rule.id, "state": "in_use",
                  "date_start": utc(datetime(2030, 1, 1)), "date_end": utc(datetime(2030, 9, 30, 23, 59, 59))}
        self.card = Card.create(dict(common, plate="粤B11111", partner_id=self.owner.partner_id.id))
        self.other = Card.create(dict(common, plate="粤B99999", partner_id=stranger.id))
        self.Renewal = self.env["ep.monthcard.renewal"]

    # ------------------------------------------------------------ helpers
    def login(self):
        self.authenticate("ep_card_owner", PASSWORD)

    def renew_path(self, card=None):
        return "/my/monthcards/%s/renew" % (card or self.card).id

    # ------------------------------------------------------------ tests
    def test_own_cards_only_and_refusals(self):
        self.assertIn("/web/login", self.request("GET", self.url("/my/monthcards"), allow_redirects=False)
                      .headers["Location"], "anonymous visitors log in first")
        self.login()
        page = self.open("/my/monthcards")
        self.assertIn("粤B11111", page.text)
        self.assertIn(self.renew_path(), page.text)
        self.assertNotIn("粤B99999", page.text)
        self.assertIn("/my/monthcards", self.open("/my/home").text)
        # someone else's card: not found, whatever the way in
        self.open(self.renew_path(self.other), expect=404)
        self.open("/my/monthcards/%s/quote?periods=1" % self.other.id, expect=404)
        form = self.open(self.renew_path())
        self.post(form, self.renew_path(self.other), expect=404, periods="1", channel_id=str(self.wechat.id))
        # a card that may not be renewed online (§2.3.8 B d): a message, no form, JSON 403
        self.card.allow_online_renewal = False
        listing = self.open("/my/monthcards")
        self.assertIn("cannot be renewed online", listing.text)
        self.assertNotIn(self.renew_path(), listing.text)
        page = self.open(self.renew_path())
        self.assertIn("o_ep_renew_refused", page.text)
        self.assertNotIn("o_ep_renew_form", page.text)
        refused = self.post(form, self.renew_path(), periods="1", channel_id=str(self.wechat.id))
        self.assertIn("cannot be renewed online", refused.text)
        response = self.open("/my/monthcards/%s/quote?periods=1" % self.card.id, expect=403)
        self.assertIn("cannot be renewed online", json.loads(response.text)["error"])
        self.assertFalse(self.Renewal.search([("card_id", "in", (self.card | self.other).ids)]))

    def test_renew_creates_the_order_and_the_payment_extends_the_card(self):
        self.login()
        page = self.open(self.renew_path() + "?periods=2")
        amount = re.search(r'class="o_ep_amount">(.*?)</strong>', page.text, re.S).group(1)
        self.assertIn("200.00", amount)
        self.assertIn("2030-11-30 23:59", page.text)
        offered = [re.search(r'value="(\d+)"', tag).group(1)
                   for tag in re.findall(r'<input[^>]*name="channel_id"[^>]*>', page.text)]
        self.assertEqual(offered, [str(self.wechat.id)], "online channels only")

        checkout = self.post(page, self.renew_path(), periods="2", channel_id=str(self.wechat.id))
        self.assertIn("/ep/pay/test/", checkout.url)
        renewal = self.Renewal.search([("card_id", "=", self.card.id)])
        order = renewal.order_id
        self.assertEqual((renewal.state, renewal.source, renewal.quantity, renewal.partner_id),
                         ("ordered", "online", 2, self.owner.partner_id))
        self.assertEqual((order.state, order.kind, order.amount, order.partner_id, order.channel_id),
                         ("unpaid", "month_card", 200.0, self.owner.partner_id, self.wechat))

        token = self.env["ep.parking.test.payment"]._find(order).token
        status = self.post(checkout, "/ep/pay/test/%s/pay" % token, notify="1")
        self.assertIn("/ep/pay/order/%s?token=" % order.id, status.url)
        self.assertEqual((order.state, renewal.state), ("paid", "done"))
        self.assertTrue(order.move_id)
        self.assertEqual(self.card.date_end, utc(datetime(2030, 11, 30, 23, 59, 59)))
        # the owner reads their own renewals, nobody else's
        self.assertEqual(self.Renewal.sudo(self.owner).search([]), renewal)

    def test_json_quote(self):
        self.login()
        response = self.open("/my/monthcards/%s/quote?periods=2" % self.card.id)
        data = json.loads(response.text)
        self.assertEqual((data["amount"], data["end"], data["periods"]), ("200.00", "2030-11-30 23:59:59", 2))
        self.assertEqual([channel["id"] for channel in data["channels"]], [self.wechat.id])
        self.rule.min_purchase = 3
        error = json.loads(self.open("/my/monthcards/%s/quote?periods=2" % self.card.id, expect=400).text)
        self.assertIn("at least 3 periods", error["error"])
        self.open("/my/monthcards/%s/quote?periods=abc" % self.card.id, expect=400)
