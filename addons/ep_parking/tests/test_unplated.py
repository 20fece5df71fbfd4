import json
import re
import secrets
from datetime import datetime, timedelta
from decimal import Decimal
from unittest.mock import patch

import odoo
from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests.common import HttpCase, at_install, post_install

from .common import EpParkingLotCase

PHONE = "13800138000"
T0 = datetime(2024, 5, 1, 8, 0, 0)


def at(moment):
    """Freeze fields.Datetime.now() (what the flow reads) at ``moment``."""
    return patch.object(fields.Datetime, "now", return_value=fields.Datetime.to_string(moment))


def code_of(message):
    return re.search(r"\b(\d{6})\b", message.body).group(1)


class UnplatedMixin:

    def request_code(self, gate, phone=PHONE):
        Visit = self.env["ep.parking.unplated"]
        if gate.direction == "in":
            return Visit._request_entry_code(gate, phone)
        return Visit._request_exit_code(gate, phone)

    def enter(self, gate=None, phone=PHONE, when=T0):
        gate = gate or self.gate_in
        with at(when):
            verification = self.request_code(gate, phone)
            self.assertFalse(verification._check_code(code_of(verification.sms_message_id)))
            return self.env["ep.parking.unplated"]._enter(gate, verification, phone)

    def commands(self, visit):
        return self.env["ep.device.command"].search(
            [("origin_model", "=", "ep.parking.unplated"), ("origin_id", "=", visit.id)], order="id")


class TestUnplatedFlow(UnplatedMixin, EpParkingLotCase):
    """Seed 000 §2.2.4 as the driver goes through it (the website controller calls the same
    methods through sudo(), so does this test)."""

    def test_entry_opens_the_gate_and_the_car_is_in_the_lot(self):
        with at(T0):
            verification = self.request_code(self.gate_in)
        message = verification.sms_message_id
        self.assertEqual((message.phone, message.state), (PHONE, "test"))
        code = code_of(message)
        self.assertNotIn(code, verification.code_hash)
        self.assertEqual(verification._get_test_message(), message.body)
        with at(T0 + timedelta(seconds=30)):
            wrong = "%06d" % ((int(code) + 1) % 10 ** 6)
            self.assertIn("4", verification._check_code(wrong))  # 4 attempts left
            self.assertFalse(verification._check_code(code))
            visit = self.env["ep.parking.unplated"]._enter(self.gate_in, verification, PHONE)
        self.assertEqual(verification.state, "used")
        entry_time = fields.Datetime.to_string(T0 + timedelta(seconds=30))
        self.assertEqual((visit.state, visit.plate, visit.lot_id), ("in_lot", "EP38000", self.lot))
        # §2.2.4: after entering, the exit time is the entry time and the car is in the lot
        self.assertEqual((visit.entry_time, visit.exit_time), (entry_time, entry_time))
        self.assertEqual(len(visit.access_token), 32)
        passage = visit.entry_passage_id
        self.assertEqual((passage.direction, passage.source, passage.plate, passage.state, passage.passage_time),
                         ("in", "unplated", "EP38000", "in_lot", entry_time))
        self.assertEqual((passage.event_ref, passage.gate_id), ("unplated-%s-in" % visit.id, self.gate_in))
        command = self.commands(visit)
        self.assertEqual(command, visit.entry_command_id)
        self.assertEqual((command.device_id, command.command, command.state), (self.gate_in, "open_gate", "queued"))
        self.assertEqual(json.loads(command.args), {"reason": "unplated", "plate": "EP38000", "visit": visit.id})

    def test_exit_times_and_states_follow_the_manual(self):
        visit = self.enter()
        entry_time = visit.entry_time
        scan, paid = T0 + timedelta(hours=2), T0 + timedelta(hours=2, minutes=3)
        with at(scan):
            fee = visit._scan_exit(self.gate_out)
        # before payment: exit time = scan time, still in the lot, no exit record, gate closed
        self.assertEqual(fee, Decimal("0.00"))
        self.assertIsInstance(fee, Decimal)
        self.assertEqual((visit.state, visit.exit_time, visit.entry_time),
                         ("in_lot", fields.Datetime.to_string(scan), entry_time))
        self.assertEqual(visit.duration_minutes, 120)
        self.assertFalse(visit.exit_passage_id)
        self.assertEqual(len(self.commands(visit)), 1)
        with at(paid):
            self.assertTrue(visit._confirm_exit(self.gate_out))
        # after payment: exit time = payment time, left, the exit gate opens
        self.assertEqual((visit.state, visit.exit_time, visit.exit_gate_id),
                         ("left", fields.Datetime.to_string(paid), self.gate_out))
        out = visit.exit_passage_id
        self.assertEqual((out.direction, out.source, out.event_ref, out.entry_id, out.state),
                         ("out", "unplated", "unplated-%s-out" % visit.id, visit.entry_passage_id, "exit"))
        self.assertEqual(out.passage_time, fields.Datetime.to_string(paid))
        self.assertEqual(visit.entry_passage_id.state, "left")
        command = visit.exit_command_id
        self.assertEqual((command.device_id, command.command), (self.gate_out, "open_gate"))
        self.assertEqual(self.commands(visit), visit.entry_command_id | command)
        with self.assertRaises(UserError):
            visit._confirm_exit(self.gate_out)

    def test_exit_on_another_device_after_verifying_the_phone_again(self):
        visit = self.enter()
        with at(T0 + timedelta(hours=1)):
            verification = self.request_code(self.gate_out)
            self.assertEqual(verification.purpose, "unplated_exit")
            self.assertFalse(verification._check_code(code_of(verification.sms_message_id)))
            self.assertEqual(self.env["ep.parking.unplated"]._exit_verified(self.gate_out, verification, PHONE), visit)
        with self.assertRaises(UserError):  # a code opens one thing once
            verification._consume(PHONE, "unplated_exit")

    def test_exit_code_needs_a_car_in_the_lot(self):
        with self.assertRaisesRegex(UserError, "No car of this phone"):
            self.request_code(self.gate_out)

    def test_open_visit_blocks_the_next_entry_until_staff_close_it(self):
        visit = self.enter()
        with self.assertRaisesRegex(UserError, "EP38000"):
            self.request_code(self.gate_in, phone="138 0013 8000")
        # even with a code obtained otherwise
        other = self.enter(phone="13900139000")
        self.assertEqual(other.plate, "EP39000")
        verification = self.env["ep.parking.phone.verification"].create({
            "phone": PHONE, "purpose": "unplated_entry", "lot_id": self.lot.id, "state": "verified",
            "sent_at": fields.Datetime.to_string(T0)})
        with self.assertRaises(UserError):
            self.env["ep.parking.unplated"]._enter(self.gate_in, verification, PHONE)
        # the operator only looks; lot staff close the visit of a car that left without scanning
        with self.assertRaises(AccessError):
            visit.sudo(self.users["operator"]).action_close()
        with at(T0 + timedelta(hours=5)):
            visit.sudo(self.users["lot_staff"]).action_close()
        self.assertEqual((visit.state, visit.closed_by_id), ("left", self.users["lot_staff"]))
        self.assertEqual(visit.exit_time, fields.Datetime.to_string(T0 + timedelta(hours=5)))
        self.assertEqual((visit.exit_passage_id.source, visit.entry_passage_id.state), ("manual", "left"))
        self.assertFalse(visit.exit_command_id)  # nothing to open: the car is gone
        with self.assertRaises(UserError):
            visit.action_close()
        again = self.enter(when=T0 + timedelta(hours=6))
        self.assertEqual((again.state, again.plate), ("in_lot", "EP38000"))
        self.assertNotEqual(again.entry_passage_id, visit.entry_passage_id)

    def test_a_phone_may_be_in_two_lots(self):
        self.enter()
        gate = self._create_device(self.other_lot, "gate-in-9", direction="in")
        self.assertEqual(self.enter(gate=gate, when=T0 + timedelta(minutes=2)).lot_id, self.other_lot)

    def test_gates_must_fit_the_step(self):
        with self.assertRaises(UserError):
            self.env["ep.parking.unplated"]._request_entry_code(self.gate_out, PHONE)
        with self.assertRaises(UserError):
            self.env["ep.parking.unplated"]._request_entry_code(self.server, PHONE)
        visit = self.enter()
        with self.assertRaises(UserError):
            visit._scan_exit(self.gate_in)
        self.gate_out.active = False
        with self.assertRaises(UserError):
            visit._confirm_exit(self.gate_out)

    def test_exit_fee_is_paid_through_an_order(self):
        """§2.2.4: unplated cars are priced by the lot's tariff in the cloud; a long stay pays before leaving."""
        self.env["ep.parking.tariff"].create({
            "name": "Seed", "lot_id": self.lot.id, "model": "per_hour", "free_minutes": 30, "first_minutes": 180,
            "first_amount": 5, "unit_minutes": 60, "unit_amount": 1, "max_amount": 10}).action_publish()
        wechat = self.env.ref("ep_parking.payment_method_wechat")
        self.lot.write({"payment_method_ids": [(6, 0, [wechat.id])], "online_payment": True, "grace_minutes": 10})
        visit = self.enter()
        scan, paid = T0 + timedelta(hours=7), T0 + timedelta(hours=7, minutes=2)
        with at(scan):
            self.assertEqual(visit._scan_exit(self.gate_out), Decimal("9.00"))  # 3 h 5.00 + 4 h 4.00
            self.assertFalse(visit._confirm_exit(self.gate_out))
        # not paid: still in the lot, no exit record, the exit gate stays closed
        self.assertEqual((visit.state, visit.exit_passage_id.id, visit.exit_command_id.id), ("in_lot", False, False))
        self.assertEqual(self.commands(visit), visit.entry_command_id)
        with at(scan):
            order = visit._create_exit_order(wechat)
        self.assertEqual((order.state, order.amount, order.kind, order.plate),
                         ("unpaid", 9.0, "temporary", visit.plate))
        self.assertEqual((order.res_model, order.res_id, order.entry_passage_id),
                         (visit._name, visit.id, visit.entry_passage_id))
        # the operator of the lot's region sees the order but cannot touch it
        self.assertEqual(self.env["ep.parking.order"].sudo(self.users["operator"]).search(
            [("res_id", "=", visit.id), ("res_model", "=", visit._name)]), order)
        with self.assertRaises(AccessError):
            order.sudo(self.users["operator"]).write({"note": "x"})
        with at(paid):
            self.assertTrue(order.action_start_payment("/ep/unplated/visit/%s" % visit.id).startswith("/ep/pay/test/"))
            self.env["ep.parking.test.payment"]._find(order)._pay()
        self.assertEqual((order.state, order.paid_at), ("paid", fields.Datetime.to_string(paid)))
        self.assertTrue(order.move_id)
        # paid: the car left at the payment time through the gate it scanned
        self.assertEqual((visit.state, visit.exit_time, visit.amount_paid),
                         ("left", fields.Datetime.to_string(paid), 9))
        out = visit.exit_passage_id
        self.assertEqual((out.direction, out.entry_id, out.amount_paid, out.gate_id),
                         ("out", visit.entry_passage_id, 9, self.gate_out))
        self.assertEqual(order.exit_passage_id, out)
        self.assertEqual(out.order_ref, order.name)
        command = visit.exit_command_id
        self.assertEqual((command.device_id, command.command, command.state), (self.gate_out, "open_gate", "queued"))
        self.assertEqual(self.commands(visit), visit.entry_command_id | command)
        self.assertFalse(order.command_id)  # the visit opened its gate; the order was not paid at a gate QR
        with self.assertRaises(UserError):
            visit._create_exit_order(wechat)  # paid: nothing more to pay

    def test_gate_failure_is_shown_to_staff(self):
        visit = self.enter()
        command = visit.entry_command_id
        command.write({"state": "failed", "last_error": "barrier jammed"})
        command._notify_origin()
        self.assertIn("barrier jammed", visit.gate_error)
        self.assertEqual(visit._gate_status(command), "failed")
        command.write({"state": "acked"})
        command._notify_origin()
        self.assertFalse(visit.gate_error)
        self.assertEqual(visit._gate_status(command), "open")

    def test_region_rules_and_access(self):
        visit = self.enter()
        gate = self._create_device(self.other_lot, "gate-in-9", direction="in")
        foreign = self.enter(gate=gate, phone="13900139000")
        Visit = self.env["ep.parking.unplated"]
        for role in ("operator", "lot_staff"):
            seen = Visit.sudo(self.users[role]).search([("id", "in", (visit | foreign).ids)])
            self.assertEqual(seen, visit)
        self.assertEqual(Visit.sudo(self.users["manager"]).search_count([("id", "in", (visit | foreign).ids)]), 2)
        for role in ("operator", "lot_staff", "manager"):
            with self.assertRaises(AccessError):
                self.env["ep.parking.sms.message"].sudo(self.users[role]).search([])
            with self.assertRaises(AccessError):
                self.env["ep.parking.phone.verification"].sudo(self.users[role]).search([])
        self.assertTrue(self.env["ep.parking.sms.message"].sudo(self.users["admin"]).search([]))
        with self.assertRaises(AccessError):
            Visit.sudo(self.users["lot_staff"]).create({"lot_id": self.lot.id, "phone": "13700137000"})


class TestPhoneVerification(UnplatedMixin, EpParkingLotCase):

    def test_invalid_phone_is_refused(self):
        Verification, Message = self.env["ep.parking.phone.verification"], self.env["ep.parking.sms.message"]
        before = (Verification.search_count([]), Message.search_count([]))
        for phone in ("", "12345", "23800138000", "1380013800x"):
            with self.assertRaisesRegex(UserError, "11-digit"):
                self.request_code(self.gate_in, phone)
        self.assertEqual((Verification.search_count([]), Message.search_count([])), before)

    def test_code_expires_after_five_minutes(self):
        with at(T0):
            verification = self.request_code(self.gate_in)
        verification.sent_at = fields.Datetime.to_string(T0)
        code = code_of(verification.sms_message_id)
        expired = fields.Datetime.to_string(T0 + timedelta(minutes=5))
        self.assertIn("expired", verification._check_code(code, now=expired))
        self.assertEqual((verification.state, verification.attempts), ("pending", 0))
        self.assertFalse(verification._check_code(code, now=fields.Datetime.to_string(T0 + timedelta(minutes=4))))

    def test_five_wrong_codes_lock_it(self):
        verification = self.request_code(self.gate_in)
        code = code_of(verification.sms_message_id)
        wrong = "%06d" % ((int(code) + 1) % 10 ** 6)
        self.assertIn("6 digits", verification._check_code("12ab"))
        self.assertEqual(verification.attempts, 0)  # a malformed code costs nothing
        for left in (4, 3, 2, 1):
            self.assertIn(str(left), verification._check_code(wrong))
        self.assertIn("Too many", verification._check_code(wrong))
        self.assertEqual((verification.state, verification.attempts), ("locked", 5))
        self.assertIn("Too many", verification._check_code(code))  # even the right one now
        with self.assertRaises(UserError):
            verification._consume(PHONE, "unplated_entry")

    def test_new_code_only_after_sixty_seconds(self):
        with at(T0):
            first = self.request_code(self.gate_in)
        first.sent_at = fields.Datetime.to_string(T0)
        with at(T0 + timedelta(seconds=45)):
            with self.assertRaisesRegex(UserError, "15 seconds"):
                self.request_code(self.gate_in)
        with at(T0 + timedelta(seconds=60)):
            second = self.request_code(self.gate_in)
        self.assertNotEqual(first, second)
        self.assertEqual(self.env["ep.parking.phone.verification"]._find_pending(PHONE, "unplated_entry", self.lot),
                         second)
        self.assertEqual(self.env["ep.parking.sms.message"].search_count([("phone", "=", PHONE)]), 2)

    def test_codes_are_random_and_stored_hashed(self):
        first = self.request_code(self.gate_in)
        second = self.request_code(self.gate_in, phone="13900139000")
        self.assertNotEqual(first.code_hash, second.code_hash)
        self.assertNotEqual(first.salt, second.salt)
        self.assertEqual(len(first.code_hash), 64)

    def test_provider_comes_from_the_system_parameter(self):
        Provider = self.env["ep.parking.sms.provider"]
        self.assertTrue(Provider._is_test_mode())
        self.env["ir.config_parameter"].set_param("ep_parking.sms_provider", "carrier-pigeon")
        self.assertFalse(Provider._is_test_mode())
        before = self.env["ep.parking.phone.verification"].search_count([])
        with self.assertRaisesRegex(UserError, "carrier-pigeon"):
            self.request_code(self.gate_in)
        self.assertEqual(self.env["ep.parking.phone.verification"].search_count([]), before)
        with self.assertRaises(NotImplementedError):
            Provider._send_sms(PHONE, "hello")


@at_install(False)
@post_install(True)
class TestUnplatedPages(HttpCase):
    """The QR pages over real HTTP, as a phone's browser walks them (anonymous visitor)."""

    def setUp(self):
        super().setUp()
        self.phone = "139%08d" % secrets.randbelow(10 ** 8)  # no earlier code of the database throttles it
        # Odoo 11: the server thread works in registry.test_cr, not in self.cr. Build the data
        # there and "commit" it: a savepoint, all rolled back when the test leaves test mode.
        self.env = api.Environment(self.registry.test_cr, SUPERUSER_ID, {})
        division = self.env["ep.parking.region"].create({"name": "Web Co", "code": "W", "kind": "company"})
        division = self.env["ep.parking.region"].create(
            {"name": "Web R", "code": "W-R", "kind": "region", "parent_id": division.id})
        division = self.env["ep.parking.region"].create(
            {"name": "Web D", "code": "W-R-D", "kind": "division", "parent_id": division.id})
        self.lot = self.env["ep.parking.lot"].create(
            {"name": "Web Lot", "code": "WEB-LOT", "region_id": division.id, "state": "operating"})
        Device = self.env["ep.device"]
        self.gate_in, self.gate_out = [Device.create({
            "name": "Web %s" % code, "code": code, "lot_id": self.lot.id, "kind": "gate", "direction": direction,
            "mqtt_username": "web-lot.%s" % code}) for code, direction in (("gate-in-1", "in"), ("gate-out-1", "out"))]
        self.env.cr.commit()  # pylint: disable=invalid-commit

    def open(self, url, data=None, opener=None, expect=200):
        opener = opener or self.opener
        url = "http://127.0.0.1:%s%s" % (odoo.tools.config["http_port"], url)
        response = opener.post(url, data=data, timeout=60) if data is not None else opener.get(url, timeout=60)
        self.assertEqual(response.status_code, expect, response.text[:2000])
        return response

    def post(self, page, url, opener=None, expect=200, **data):
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        return self.open(url, dict(data, csrf_token=token), opener=opener, expect=expect)

    def new_browser(self):
        import requests
        session = odoo.http.root.session_store.new()
        session.db = self.env.cr.dbname
        odoo.http.root.session_store.save(session)
        browser = requests.Session()
        browser.cookies["session_id"] = session.sid
        return browser

    def last_code(self):
        message = self.env["ep.parking.sms.message"].search([("phone", "=", self.phone)], limit=1)
        return code_of(message)

    def test_entry_and_exit_pages(self):
        entry_url = "/ep/qr/g/%s" % self.gate_in.qr_token
        page = self.open(entry_url)
        self.assertIn("Web Lot", page.text)
        self.assertIn('name="phone"', page.text)
        # bad input: the page again with the error, nothing sent
        page = self.post(page, entry_url + "/code", phone="12345")
        self.assertIn("11-digit", page.text)
        self.assertFalse(self.env["ep.parking.sms.message"].search([("phone", "=", "12345")]))
        page = self.post(page, entry_url + "/code", phone=self.phone)
        code = self.last_code()
        self.assertIn("Test mode", page.text)
        self.assertIn(code, page.text)  # the test provider shows the code
        page = self.post(page, entry_url + "/verify", phone=self.phone, code="000000" if code != "000000" else "111111")
        self.assertIn("Wrong code", page.text)
        page = self.post(page, entry_url + "/verify", phone=self.phone, code=code)
        visit = self.env["ep.parking.unplated"].search([("lot_id", "=", self.lot.id), ("phone", "=", self.phone)])
        self.assertEqual(visit.state, "in_lot")
        self.assertTrue(page.url.endswith("/ep/unplated/visit/%s" % visit.id))
        self.assertIn("The gate is opening", page.text)
        self.assertIn("EP" + self.phone[-5:], page.text)
        self.assertEqual(visit.entry_command_id.device_id, self.gate_in)
        # a second entry of the same phone is refused with a clear message
        page = self.post(self.open(entry_url), entry_url + "/code", phone=self.phone)
        self.assertIn("has not checked out yet", page.text)

        # exit: the browser still knows the visit, no new code
        exit_url = "/ep/qr/g/%s" % self.gate_out.qr_token
        page = self.open(exit_url)
        visit.invalidate_cache()
        self.assertTrue(visit.exit_scanned)
        self.assertEqual(visit.state, "in_lot")
        self.assertIn("0.00", page.text)
        self.assertIn("Confirm and leave", page.text)
        page = self.post(page, exit_url + "/exit", visit_id=str(visit.id))
        visit.invalidate_cache()
        self.assertEqual(visit.state, "left")
        self.assertEqual(visit.exit_command_id.device_id, self.gate_out)
        self.assertIn("Left", page.text)

    def test_exit_from_another_browser_asks_the_phone_again(self):
        entry_url, exit_url = "/ep/qr/g/%s" % self.gate_in.qr_token, "/ep/qr/g/%s" % self.gate_out.qr_token
        page = self.post(self.open(entry_url), entry_url + "/code", phone=self.phone)
        self.post(page, entry_url + "/verify", phone=self.phone, code=self.last_code())
        visit = self.env["ep.parking.unplated"].search([("lot_id", "=", self.lot.id), ("phone", "=", self.phone)])
        self.assertTrue(visit)
        other = self.new_browser()
        page = self.open(exit_url, opener=other)
        self.assertIn('name="phone"', page.text)
        self.assertNotIn("Confirm and leave", page.text)
        # someone else's visit cannot be confirmed by guessing its id
        page = self.post(page, exit_url + "/exit", opener=other, visit_id=str(visit.id))
        self.assertIn("verify your phone", page.text)
        visit.invalidate_cache()
        self.assertEqual(visit.state, "in_lot")
        page = self.post(page, exit_url + "/code", opener=other, phone=self.phone)
        self.assertIn("You can ask for a new one in", page.text)  # the entry code went out seconds ago
        verifications = self.env["ep.parking.phone.verification"].search([("phone", "=", self.phone)])
        verifications.write({"sent_at": fields.Datetime.to_string(datetime.utcnow() - timedelta(minutes=2))})
        self.env.cr.commit()  # pylint: disable=invalid-commit
        page = self.post(page, exit_url + "/code", opener=other, phone=self.phone)
        page = self.post(page, exit_url + "/verify", opener=other, phone=self.phone, code=self.last_code())
        self.assertIn("Confirm and leave", page.text)
        page = self.post(page, exit_url + "/exit", opener=other, visit_id=str(visit.id))
        visit.invalidate_cache()
        self.assertEqual(visit.state, "left")
        # the visit page needs the browser's token
        self.open("/ep/unplated/visit/%s" % visit.id, opener=self.new_browser(), expect=404)

    def test_unknown_codes_and_csrf(self):
        self.open("/ep/qr/g/not-a-token", expect=404)
        self.open("/ep/qr/l/NO-SUCH-LOT", expect=404)
        self.open("/ep/qr/g/%s/code" % self.gate_in.qr_token, data={"phone": self.phone}, expect=400)  # no csrf
        self.assertFalse(self.env["ep.parking.sms.message"].search([("phone", "=", self.phone)]))

    def test_plate_lookup_pages(self):
        self.env["ep.parking.passage"].create({
            "lot_id": self.lot.id, "plate": "粤B12345", "direction": "in", "source": "manual",
            "passage_time": "2024-05-01 00:30:00", "event_ref": "web-1"})
        self.env.cr.commit()  # pylint: disable=invalid-commit
        lot_url = "/ep/qr/l/%s" % self.lot.code
        page = self.open(lot_url)
        self.assertIn("Web Lot", page.text)
        found = self.post(page, lot_url, plate="粤b·12345")
        self.assertIn("2024-05-01 08:30", found.text)  # shown in China's time
        self.assertIn("has no published tariff", found.text)  # the lot has no tariff: no fee, no pay button
        self.assertNotIn("/ep/pay/plate", found.text)
        self.assertIn("is not in the lot Web Lot", self.post(page, lot_url, plate="粤B99999").text)
        self.assertIn("not a valid licence plate", self.post(page, lot_url, plate="??").text)
        page = self.open("/ep/qr/pay")
        self.assertIn("Web Lot", page.text)
        self.assertIn("Please choose the lot", self.post(page, "/ep/qr/pay", plate="粤B12345").text)
        found = self.post(page, "/ep/qr/pay", lot_id=str(self.lot.id), plate="粤B12345")
        self.assertIn("2024-05-01 08:30", found.text)
