"""The car owner's own pages over HTTP: /my home cards, my vehicles, my reservations
(seed 000 §2.10.2, §2.2.6 B), the province picker, and other owners' ids answering 404."""
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError

from ..models.ep_parking_tariff import to_lot_time
from .common import EpHttpCase, make_division, make_vendor_lot

PASSWORD = "Ep-Owner-2026!"


def local_input(moment):
    """A UTC datetime as the lot-time value of a ``datetime-local`` input."""
    return to_lot_time(fields.Datetime.to_string(moment)).strftime("%Y-%m-%dT%H:%M")


class TestOwnerPortal(EpHttpCase):

    def setUp(self):
        super().setUp()
        self.lot = make_vendor_lot(self.env, make_division(self.env, "T-OWN"), code="T-OWN-1",
                                   token="own-token-0123456789abcdef")["lot"]
        self.lot.reservation_review = "manual"
        portal = self.env.ref("base.group_portal")
        self.owner, self.other = (self.env["res.users"].create({
            "name": name, "login": login, "password": PASSWORD, "groups_id": [(6, 0, portal.ids)]})
            for name, login in (("Owner One", "13500000001"), ("Owner Two", "13500000002")))
        self.Vehicle = self.env["ep.parking.vehicle"]
        self.Reservation = self.env["ep.parking.reservation"]

    def reservation_form(self, page, plate, hours=(2, 5), **extra):
        now = fields.Datetime.from_string(fields.Datetime.now())
        return self.post(page, "/my/reservations/new", lot_id=str(self.lot.id), plate_province=plate[:1],
                         plate=plate[1:], date_start=local_input(now + timedelta(hours=hours[0])),
                         date_end=local_input(now + timedelta(hours=hours[1])), **extra)

    def test_home_shows_the_owner_cards_with_counts(self):
        self.Vehicle.create({"plate": "粤B50001", "partner_id": self.owner.partner_id.id})
        self.authenticate(self.owner.login, PASSWORD)
        home = self.open("/my")
        for href in ("/my/vehicles", "/my/parking/orders", "/my/reservations", "/my/account"):
            self.assertIn('href="%s"' % href, home.text)
        self.assertRegex(home.text, r'o_ep_card_vehicles">\s*<i class="fa fa-car"></i>\s*'
                                    r'<span class="o_ep_home_card_count">1</span>')
        self.assertIn("o_ep_owner_nav", home.text, "the tab bar of the owner layout")
        self.assertIn("Add your mobile phone number", home.text)

    def test_vehicles_add_with_the_province_picker_and_remove(self):
        self.Vehicle.create({"plate": "粤B50002", "partner_id": self.other.partner_id.id})
        self.authenticate(self.owner.login, PASSWORD)
        page = self.open("/my/vehicles")
        self.assertIn('name="plate_province"', page.text)
        added = self.post(page, "/my/vehicles/add", plate_province="京", plate="ad 12345", kind="new_energy")
        self.assertIn("京AD12345 is one of your vehicles now", added.text)
        vehicle = self.Vehicle.search([("plate", "=", "京AD12345")])
        self.assertEqual((vehicle.partner_id, vehicle.kind), (self.owner.partner_id, "new_energy"))
        bad = self.post(page, "/my/vehicles/add", plate_province="京", plate="12", kind="small")
        self.assertIn("is not a valid licence plate", bad.text)
        taken = self.post(page, "/my/vehicles/add", plate_province="粤", plate="B50002", kind="small")
        self.assertIn("registered to another owner", taken.text)
        self.assertEqual(self.Vehicle.search([("plate", "=", "粤B50002")]).partner_id, self.other.partner_id)
        # another owner's vehicle: 404, and it stays theirs
        other_vehicle = self.Vehicle.search([("plate", "=", "粤B50002")])
        self.post(page, "/my/vehicles/%s/remove" % other_vehicle.id, expect=404)
        self.assertEqual(other_vehicle.partner_id, self.other.partner_id)
        removed = self.post(page, "/my/vehicles/%s/remove" % vehicle.id)
        self.assertIn("no longer one of your vehicles", removed.text)
        self.assertFalse(vehicle.partner_id)
        self.assertNotIn("京AD12345", self.open("/my/vehicles").text.split("Add a vehicle")[0])

    def test_book_follow_and_cancel_a_reservation(self):
        self.authenticate(self.owner.login, PASSWORD)
        page = self.open("/my/reservations")
        self.assertIn(self.lot.name, page.text)
        booked = self.reservation_form(page, "粤B50003", note="Visiting")
        reservation = self.Reservation.search([("plate", "=", "粤B50003")])
        self.assertEqual((reservation.partner_id, reservation.state, reservation.review_mode, reservation.lot_id),
                         (self.owner.partner_id, "pending", "manual", self.lot))
        self.assertIn("Your reservation for 粤B50003 is Pending", booked.text)
        self.assertEqual(fields.Datetime.from_string(reservation.date_end)
                         - fields.Datetime.from_string(reservation.date_start), timedelta(hours=3))
        # the lot reviewed by the system: no month card, no booking
        self.lot.reservation_review = "system"
        refused = self.reservation_form(page, "粤B50004")
        self.assertIn("No reservation permission", refused.text)
        self.assertFalse(self.Reservation.search([("plate", "=", "粤B50004")]))
        self.lot.reservation_review = "manual"
        backwards = self.reservation_form(page, "粤B50005", hours=(5, 2))
        self.assertIn("must end after it starts", backwards.text)
        # another owner cannot cancel it, the owner can
        self.authenticate(self.other.login, PASSWORD)
        other_page = self.open("/my/reservations")
        self.assertNotIn("粤B50003", other_page.text)
        self.post(other_page, "/my/reservations/%s/cancel" % reservation.id, expect=404)
        self.assertEqual(reservation.state, "pending")
        self.authenticate(self.owner.login, PASSWORD)
        page = self.open("/my/reservations")
        self.assertIn("o_ep_reservation_cancel", page.text)
        cancelled = self.post(page, "/my/reservations/%s/cancel" % reservation.id)
        self.assertIn("is cancelled", cancelled.text)
        self.assertEqual(reservation.state, "cancelled")
        again = self.post(page, "/my/reservations/%s/cancel" % reservation.id)
        self.assertIn("not possible", again.text)

    def test_ended_reservation_has_no_cancel(self):
        past = fields.Datetime.from_string(fields.Datetime.now()) - timedelta(hours=3)
        reservation = self.Reservation.with_context(ep_parking_reservation_import=True).create({
            "lot_id": self.lot.id, "partner_id": self.owner.partner_id.id, "plate": "粤B50006", "state": "pending",
            "date_start": fields.Datetime.to_string(past), "date_end": fields.Datetime.to_string(
                past + timedelta(hours=1))})
        self.assertFalse(reservation._get_owner_cancellable())
        self.authenticate(self.owner.login, PASSWORD)
        page = self.open("/my/reservations")
        self.assertIn("粤B50006", page.text)
        self.assertNotIn("o_ep_reservation_cancel", page.text)
        refused = self.post(page, "/my/reservations/%s/cancel" % reservation.id)
        self.assertIn("can no longer be cancelled", refused.text)

    def test_portal_rules_keep_owners_to_their_rows(self):
        mine = self.Vehicle.create({"plate": "粤B50007", "partner_id": self.owner.partner_id.id})
        theirs = self.Vehicle.create({"plate": "粤B50008", "partner_id": self.other.partner_id.id})
        self.assertEqual(self.Vehicle.sudo(self.owner).search([("plate", "in", ("粤B50007", "粤B50008"))]), mine)
        self.assertEqual(theirs.sudo(self.owner).search_count([("id", "=", theirs.id)]), 0)
        with self.assertRaises(AccessError):
            mine.sudo(self.owner).write({"brand": "changed"})

    def test_home_of_an_employee_without_parking_rights(self):
        """/my is every logged-in user's (Odoo's website crawler opens it as the demo employee):
        an employee who may not read vehicles, orders or reservations gets the page, without
        those cards (their pages would refuse them); an owner keeps them."""
        # a billing clerk, as Odoo's demo user: Odoo 11's own /my counters read invoices as the user
        groups = self.env.ref("base.group_user") | self.env.ref("account.group_account_invoice")
        employee = self.env["res.users"].create({
            "name": "Accountant", "login": "t-own-employee", "password": PASSWORD,
            "groups_id": [(6, 0, groups.ids)]})
        self.assertFalse(self.Vehicle.sudo(employee).check_access_rights("read", raise_exception=False))
        self.authenticate(employee.login, PASSWORD)
        home = self.open("/my")
        self.assertIn('href="/my/account"', home.text)
        for card in ("o_ep_card_vehicles", "o_ep_card_orders", "o_ep_card_reservations"):
            self.assertNotIn(card, home.text)
        for href in ("/my/vehicles", "/my/parking/orders", "/my/reservations"):  # cards nor tabs
            self.assertNotIn('href="%s"' % href, home.text)
        self.open("/my/vehicles", expect=403)
        self.authenticate(self.owner.login, PASSWORD)
        home = self.open("/my")
        for card in ("o_ep_card_vehicles", "o_ep_card_orders", "o_ep_card_reservations"):
            self.assertIn(card, home.text)

    def test_zh_cn_owner_sees_chinese_pages(self):
        self.assertIn("zh_CN", self.env.ref("website.default_website").language_ids.mapped("code"),
                      "tools/ep loads zh_CN and ep_parking makes it a website language")
        self.owner.lang = "zh_CN"
        self.authenticate(self.owner.login, PASSWORD)
        home = self.open("/my")
        self.assertIn('lang="zh-CN"', home.text)
        self.assertIn("我的车辆", home.text)
        vehicles = self.open("/my/vehicles")
        self.assertIn("添加车辆", vehicles.text)

    def test_big_screen_is_for_staff(self):
        self.authenticate(self.owner.login, PASSWORD)
        self.open("/ep/bigscreen", expect=403)
        self.open("/ep/bigscreen/data", expect=403)
        staff = self.env["res.users"].create({
            "name": "Wall", "login": "ep_wall_staff", "password": PASSWORD,
            "groups_id": [(6, 0, [self.env.ref("ep_parking.group_operator").id])],
            "ep_region_ids": [(6, 0, self.lot.region_id.ids)]})
        self.authenticate(staff.login, PASSWORD)
        page = self.open("/ep/bigscreen")
        self.assertIn("ep_bs_passes", page.text)
        self.assertIn("ep_bigscreen.js", page.text)
        data = self.open("/ep/bigscreen/data").json()
        self.assertEqual(set(data), {"passes_today", "vehicles_today", "cities", "feed", "photos"})
