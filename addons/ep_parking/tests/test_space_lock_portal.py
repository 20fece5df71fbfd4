"""The space lock pages over HTTP (seed 000 §2.5.2, §2.6.2, §2.6.3)."""
from datetime import timedelta

from odoo import fields

from ..models.ep_parking_tariff import to_lot_time
from .common import EpHttpCase, ago, make_division, make_vendor_lot, setup_payments

PASSWORD = "Ep-Lock-2026!"


class TestSpaceLockPortal(EpHttpCase):

    def setUp(self):
        super().setUp()
        self.lot = make_vendor_lot(self.env, make_division(self.env, "T-LCK"), code="T-LCK-1",
                                   token="lck-token-0123456789abcdef")["lot"]
        self.channels = setup_payments(self.env, self.lot, ("wechat", "cash"))
        self.lock = self.env["ep.parking.space.lock"].create({
            "lot_id": self.lot.id, "lock_code": "T0390001", "space": "C-001", "maker": "Dingding",
            "hardware_code": "DD-3", "paid_sharing": True})
        portal = self.env.ref("base.group_portal")
        self.owner, self.driver = (self.env["res.users"].create({
            "name": name, "login": login, "password": PASSWORD, "groups_id": [(6, 0, portal.ids)]})
            for name, login in (("Lock Owner", "13400000001"), ("Driver", "13400000002")))
        self.env["ep.parking.space.lock.grant"].create({"lot_id": self.lot.id, "lock_id": self.lock.id,
                                                       "phone": "13400000001", "role": "owner"})

    def test_owner_lowers_from_the_qr_page_others_are_refused(self):
        url = self.lock._get_portal_url()
        self.authenticate(self.owner.login, PASSWORD)
        self.assertIn('href="/my/locks"', self.open("/my/home").text)
        page = self.open("/my/locks")
        self.assertIn(url, page.text)
        found = self.request("GET", self.url("/my/locks?lock_code=T0390001"), allow_redirects=False)
        self.assertTrue(found.headers["Location"].endswith(url))
        page = self.open(url)
        done = self.post(page, url + "/lower")
        operation = self.lock.operation_ids
        self.assertEqual((operation.action, operation.role, operation.state, operation.partner_id),
                         ("lower", "owner", "pending", self.owner.partner_id))
        self.assertIn("waiting for the lock", done.text)
        self.authenticate(self.driver.login, PASSWORD)
        self.assertNotIn('href="/my/locks"', self.open("/my/home").text)
        page = self.open(url)
        refused = self.post(page, url + "/raise", expect=403)
        self.assertIn("may not operate", refused.text)
        self.assertEqual(len(self.lock.operation_ids), 1)

    def test_driver_pays_the_deposit_on_the_lock_page(self):
        self.env["ep.parking.passage"].create({"lot_id": self.lot.id, "plate": "粤B40001", "direction": "in",
                                               "passage_time": ago(minutes=5), "event_ref": "lck-in-1"})
        url = self.lock._get_portal_url()
        self.authenticate(self.driver.login, PASSWORD)
        page = self.open(url)
        self.assertIn("deposit", page.text)
        refused = self.post(page, url + "/share", expect=400, plate="粤B49999", channel_id=self.channels["wechat"].id)
        self.assertIn("not in the lot", refused.text)
        paying = self.post(page, url + "/share", plate="粤B40001", channel_id=self.channels["wechat"].id)
        share = self.env["ep.parking.lock.share"].search([("lock_id", "=", self.lock.id)])
        self.assertEqual((share.state, share.partner_id, share.order_id.amount), ("unpaid", self.driver.partner_id,
                                                                                 50.0))
        self.assertIn("/ep/pay/test/", paying.url)

    def test_reservation_entry_page(self):
        self.open("/ep/lot/T-LCK-1/reserve", expect=404)
        self.lot.reservation_entry = True
        page = self.open("/ep/lot/T-LCK-1/reserve")
        start = to_lot_time(fields.Datetime.now()) + timedelta(hours=2)  # the form takes the lot's local time
        end = start + timedelta(hours=7)
        bad = self.post(page, "/ep/lot/T-LCK-1/reserve", expect=400, plate="粤B50001",
                        date_start=end.strftime("%Y-%m-%dT%H:%M"), date_end=start.strftime("%Y-%m-%dT%H:%M"),
                        channel_id=self.channels["wechat"].id)
        self.assertIn("ends after it starts", bad.text)
        self.post(page, "/ep/lot/T-LCK-1/reserve", plate="粤B50001", date_start=start.strftime("%Y-%m-%dT%H:%M"),
                  date_end=end.strftime("%Y-%m-%dT%H:%M"), channel_id=self.channels["wechat"].id)
        share = self.env["ep.parking.virtual.share"].search([("lot_id", "=", self.lot.id)])
        self.assertEqual((share.plate, share.amount, share.state), ("粤B50001", 14.0, "unpaid"))
