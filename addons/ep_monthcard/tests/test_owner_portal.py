"""The holder's month-card pages over HTTP (seed 000 §2.3.5, §2.3.6 C/D): the /my home with days left,
one card with its car lock, finding a card by lot and plate, the phone needed to pay, and the
emergency opening with the gate's code (紧急开闸)."""
import json
import re
from datetime import datetime, timedelta

from odoo import fields
from odoo.addons.ep_parking.models.ep_parking_tariff import from_lot_time
from odoo.addons.ep_parking.tests.common import EpHttpCase, make_division, make_vendor_lot, setup_payments
from odoo.exceptions import UserError

from ..lib import emergency

PASSWORD = "Ep-Card-Holder-2026!"


def utc(moment):
    return fields.Datetime.to_string(from_lot_time(moment))


class TestMonthcardOwnerPortal(EpHttpCase):

    def setUp(self):
        super().setUp()
        made = make_vendor_lot(self.env, make_division(self.env, "T-MCO"), code="T-MCO-1",
                               token="mco-token-0123456789abcdef")
        self.lot, self.gate_in, self.gate_out = made["lot"], made["gate_in"], made["gate_out"]
        self.other_lot = make_vendor_lot(self.env, make_division(self.env, "T-MCP"), code="T-MCP-1",
                                         token="mcp-token-0123456789abcdef")["lot"]
        self.wechat = setup_payments(self.env, self.lot, ("wechat",))["wechat"]
        self.rule = self.env["ep.monthcard.rule"].create({"name": "地面 100", "lot_id": self.lot.id, "price": 100})
        portal = self.env.ref("base.group_portal")
        self.holder, self.stranger = (self.env["res.users"].create({
            "name": name, "login": login, "password": PASSWORD, "groups_id": [(6, 0, portal.ids)]})
            for name, login in (("Card Holder", "ep_card_holder"), ("Card Stranger", "ep_card_stranger")))
        self.holder.partner_id.mobile = "13600136001"
        today = datetime.combine(fields.Date.from_string(fields.Date.context_today(
            self.env["ep.monthcard"].with_context(tz="Asia/Shanghai"))), datetime.min.time())
        common = {"lot_id": self.lot.id, "rule_id": self.rule.id, "state": "in_use",
                  "date_start": utc(today - timedelta(days=30)),
                  "date_end": utc(today + timedelta(days=5, hours=23, minutes=59, seconds=59))}
        Card = self.env["ep.monthcard"]
        self.card = Card.create(dict(common, plate="粤B61111", partner_id=self.holder.partner_id.id,
                                     emergency_open=True))
        self.theirs = Card.create(dict(common, plate="粤B69999", partner_id=self.stranger.partner_id.id,
                                       emergency_open=True))
        self.Command = self.env["ep.device.command"]

    def login(self, user=None):
        self.authenticate((user or self.holder).login, PASSWORD)

    def test_home_lists_my_cards_with_days_left_and_renew(self):
        self.login()
        home = self.open("/my")
        self.assertIn("o_ep_home_monthcard_%s" % self.card.id, home.text)
        self.assertNotIn("粤B69999", home.text)
        self.assertIn('data-days="5"', home.text)
        self.assertIn("o_ep_expiring", home.text, "5 days left: within the week that is shown as expiring")
        self.assertIn("/my/monthcards/%s/renew" % self.card.id, home.text)
        listing = self.open("/my/monthcards")
        self.assertIn('data-days="5"', listing.text)

    def test_card_page_and_car_lock(self):
        self.login()
        page = self.open("/my/monthcards/%s" % self.card.id)
        self.assertIn("Car lock", page.text)
        self.open("/my/monthcards/%s" % self.theirs.id, expect=404)
        self.post(page, "/my/monthcards/%s/lock" % self.theirs.id, expect=404, operation="lock")
        self.post(page, "/my/monthcards/%s/lock" % self.card.id, expect=400, operation="explode")
        done = self.post(page, "/my/monthcards/%s/lock" % self.card.id, operation="lock")
        self.assertIn("Sent to the lot", done.text)
        command = self.card.lock_command_id
        self.assertEqual((command.command, self.card.lock_operation, self.card.lock_command_state),
                         ("car_lock", "lock", "pending"))
        self.assertEqual(json.loads(command.args)["plate"], "粤B61111")
        self.assertFalse(self.theirs.lock_command_id)

    def test_find_a_card_by_lot_and_plate(self):
        self.login()
        page = self.open("/my/monthcards/find")
        self.assertIn('name="plate_province"', page.text)

        def find(lot, province, rest):
            return self.request("POST", self.url("/my/monthcards/find"), allow_redirects=False, data={
                "lot_id": str(lot.id), "plate_province": province, "plate": rest,
                "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)})

        self.assertIn("No month card has this plate.", find(self.lot, "粤", "B60000").text)
        self.assertIn("This lot has no such month card.", find(self.other_lot, "粤", "B61111").text)
        self.assertIn("held by another account", find(self.lot, "粤", "B69999").text)
        found = find(self.lot, "粤", "b61111")
        self.assertEqual(found.status_code, 302)
        self.assertTrue(found.headers["Location"].endswith("/my/monthcards/%s/renew" % self.card.id))

    def test_paying_needs_my_phone(self):
        self.holder.partner_id.mobile = False
        self.login()
        form = self.open("/my/monthcards/%s/renew" % self.card.id)
        refused = self.post(form, "/my/monthcards/%s/renew" % self.card.id, periods="1",
                            channel_id=str(self.wechat.id))
        self.assertIn("Please complete your mobile phone number.", refused.text)
        self.assertIn("o_ep_complete_mobile", refused.text)
        self.assertFalse(self.env["ep.monthcard.renewal"].search([("card_id", "=", self.card.id)]))
        self.holder.partner_id.mobile = "13600136001"
        paid = self.request("POST", self.url("/my/monthcards/%s/renew" % self.card.id), allow_redirects=False, data={
            "periods": "1", "channel_id": str(self.wechat.id),
            "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)})
        self.assertEqual(paid.status_code, 302, paid.text[:500])
        self.assertTrue(self.env["ep.monthcard.renewal"].search([("card_id", "=", self.card.id)]))

    def test_emergency_opening_with_the_gate_code(self):
        self.login()
        page = self.open("/my/emergency-open")
        # the cards offered are the owner's (ids only: a gate's option may share a card's id)
        cards = re.search(r'name="card_id".*?</select>', page.text, re.S).group(0)
        self.assertIn('value="%s"' % self.card.id, cards)
        self.assertNotIn('value="%s"' % self.theirs.id, cards)
        self.assertNotIn(self.theirs.plate, page.text)
        self.assertIn('value="%s"' % self.gate_out.id, page.text)
        # another owner's card or a gate of another lot: refused, nothing sent
        self.post(page, "/my/emergency-open", expect=404, card_id=str(self.theirs.id), gate_id=str(self.gate_out.id))
        self.post(page, "/my/emergency-open", expect=400, card_id=str(self.card.id),
                  gate_id=str(self.other_lot.device_ids.filtered(lambda d: d.kind == "gate")[:1].id))
        gates = (self.gate_in | self.gate_out).ids
        self.assertFalse(self.Command.search([("command", "=", "show_open_code"), ("device_id", "in", gates)]))
        asked = self.post(page, "/my/emergency-open", card_id=str(self.card.id), gate_id=str(self.gate_out.id))
        record = self.env["ep.monthcard.emergency.open"].search([("card_id", "=", self.card.id)])
        self.assertEqual((record.state, record.gate_id, record.partner_id), ("waiting", self.gate_out,
                                                                              self.holder.partner_id))
        shown = self.Command.search([("command", "=", "show_open_code"), ("device_id", "=", self.gate_out.id)])
        code = json.loads(shown.args)["code"]
        self.assertEqual(code, record.sudo().code)
        self.assertNotIn(code, asked.text, "the code is on the gate's display, not on the phone")
        # another owner cannot see or use it
        self.login(self.stranger)
        stranger_page = self.open("/my/emergency-open")
        self.open("/my/emergency-open/%s" % record.id, expect=404)
        self.post(stranger_page, "/my/emergency-open/%s/code" % record.id, expect=404, code=code)
        self.login()
        wrong = str((int(code) + 1) % 10 ** emergency.CODE_LENGTH).zfill(emergency.CODE_LENGTH)
        answer = self.post(asked, "/my/emergency-open/%s/code" % record.id, code=wrong)
        self.assertIn("Wrong code", answer.text)
        self.assertEqual((record.attempts, record.state), (1, "waiting"))
        self.assertFalse(self.Command.search([("command", "=", "open_gate"), ("device_id", "=", self.gate_out.id)]))
        opened = self.post(asked, "/my/emergency-open/%s/code" % record.id, code=code)
        self.assertIn("The gate is opening.", opened.text)
        self.assertEqual(record.state, "opened")
        open_gate = record.open_command_id
        self.assertEqual((open_gate.command, open_gate.device_id, json.loads(open_gate.args)["reason"]),
                         ("open_gate", self.gate_out, "emergency"))
        again = self.post(asked, "/my/emergency-open/%s/code" % record.id, code=code)
        self.assertIn("already opened", again.text)
        self.assertEqual(self.Command.search_count([("command", "=", "open_gate"),
                                                    ("device_id", "=", self.gate_out.id)]), 1)

    def test_emergency_code_locks_after_too_many_wrong_tries_and_expires(self):
        Emergency = self.env["ep.monthcard.emergency.open"]
        record = Emergency._request(self.card, self.gate_in, self.holder.partner_id)
        for _try in range(emergency.MAX_ATTEMPTS):
            self.assertEqual(record._try_code("x"), emergency.WRONG)
        self.assertEqual(record.state, "locked")
        self.assertEqual(record._try_code(record.code), emergency.LOCKED)
        fresh = Emergency._request(self.card, self.gate_in, self.holder.partner_id)
        fresh.expires_at = fields.Datetime.to_string(datetime.utcnow() - timedelta(seconds=1))
        self.assertEqual(fresh._try_code(fresh.code), emergency.EXPIRED)
        self.assertEqual(fresh.state, "expired")
        self.card.emergency_open = False
        with self.assertRaisesRegex(UserError, "not switched on"):
            Emergency._request(self.card, self.gate_in, self.holder.partner_id)
        self.card.emergency_open = True
        with self.assertRaisesRegex(UserError, "Choose a gate"):
            Emergency._request(self.card, self.other_lot.device_ids.filtered(lambda d: d.kind == "gate")[:1],
                               self.holder.partner_id)
