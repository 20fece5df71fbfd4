"""The owner side over HTTP: stations and the gun QR page, starting a charge from the card, my
charging with its unpaid orders paid through the test gateway; another owner is refused."""
import re
from datetime import datetime, timedelta

from odoo.addons.ep_parking.models.ep_parking_tariff import from_lot_time
from odoo.addons.ep_parking.tests.common import EpHttpCase, make_division, make_vendor_lot, setup_payments

from .common import report_event

PASSWORD = "Ep-Charging-Owner-2026!"


class TestChargingPortal(EpHttpCase):

    def setUp(self):
        super().setUp()
        self.lot = make_vendor_lot(self.env, make_division(self.env, "T-CHP"), code="T-CHP-1",
                                   token="chp-token-0123456789abcdef")["lot"]
        self.wechat = setup_payments(self.env, self.lot, ("wechat",))["wechat"]
        tariff = self.env["ep.charging.tariff"].create({"name": "Flat 1", "segment_ids": [
            (0, 0, {"kind": "flat", "start": "00:00", "electricity": 1, "service": 0.5})]})
        self.station = self.env["ep.charging.station"].create({
            "name": "Portal station", "code": "T-CHP-CS", "lot_id": self.lot.id, "tariff_id": tariff.id})
        self.station.reservation_rule_id = self.env["ep.charging.reservation.rule"].create(
            {"name": "30", "minutes": 30, "fee": 3})
        self.station.action_publish_reservation()
        self.charger = self.env["ep.charging.charger"].create({"station_id": self.station.id, "code": "YKCP0001"})
        self.gun = self.charger.connector_ids
        self.gun.state = "idle"
        Users = self.env["res.users"].with_context(no_reset_password=True)
        portal = self.env.ref("base.group_portal")
        self.owner, self.other = (Users.create({"name": login, "login": login, "password": PASSWORD,
                                                "groups_id": [(6, 0, [portal.id])]}) for login in ("chp_a", "chp_b"))
        self.card = self.env["ep.charging.card"].create({"name": "EC-CHP-1", "station_id": self.station.id,
                                                         "partner_id": self.owner.partner_id.id})

    def gun_path(self, suffix=""):
        return "/ep/charging/g/%s%s" % (self.gun.qr_token, suffix)

    def test_start_charge_and_pay_the_rest(self):
        stations = self.open("/ep/charging/stations")
        self.assertIn("Portal station", stations.text)
        self.assertIn("o_ep_reservable", stations.text)
        self.assertIn("Log in to charge", self.open(self.gun_path()).text)
        self.open("/ep/charging/g/not-a-token", expect=404)
        self.authenticate("chp_a", PASSWORD)
        page = self.open(self.gun_path())
        refused = self.post(page, self.gun_path("/start"))
        self.assertIn("Top up your charging card", refused.text)
        self.card._top_up(5)
        started = self.post(page, self.gun_path("/start"))
        self.assertIn("o_ep_started", started.text)
        order = self.env["ep.charging.order"].search([("partner_id", "=", self.owner.partner_id.id)])
        command = self.env["ep.device.command"].search([("device_id", "=", self.charger.device_id.id),
                                                        ("command", "=", "start_charge")])
        self.assertEqual((order.charge_state, order.card_id), ("pending", self.card))
        self.assertIn(order.name, command.args)
        # the pile starts the asked-for order and charges 6 kWh: 9.00, the card pays 5.00
        start = from_lot_time(datetime(2026, 12, 3, 9, 0))
        report_event(self.env, self.charger, "session_started", start, gun=1, session="P-1", meter_kwh=0,
                     order=order.name)
        report_event(self.env, self.charger, "session_stopped", start + timedelta(hours=1), gun=1, session="P-1",
                     meter_kwh=6, reason="full")
        self.assertEqual((order.charge_state, order.amount_total, order.amount_paid, order.payment_state),
                         ("done", 9.0, 5.0, "unpaid"))
        mine = self.open("/my/charging")
        self.assertIn(order.name, mine.text)
        self.assertIn("Pay 4.00", mine.text)
        # another owner sees none of it and cannot pay it
        self.authenticate("chp_b", PASSWORD)
        theirs = self.open("/my/charging")
        self.assertNotIn(order.name, theirs.text)
        self.post(self.open(self.gun_path()), "/my/charging/pay", expect=404, key="order", record_id=str(order.id),
                  channel_id=str(self.wechat.id))
        self.authenticate("chp_a", PASSWORD)
        mine = self.open("/my/charging")
        checkout = self.post(mine, "/my/charging/pay", key="order", record_id=str(order.id),
                             channel_id=str(self.wechat.id))
        payment = self.env["ep.parking.order"].search([("res_model", "=", "ep.charging.order"),
                                                       ("res_id", "=", order.id)])
        self.assertEqual((payment.kind, payment.amount), ("charging", 4.0))
        token = self.env["ep.parking.test.payment"]._find(payment).token
        self.post(checkout, "/ep/pay/test/%s/pay" % token, notify="1")
        self.assertEqual((payment.state, order.payment_state, order.amount_paid), ("paid", "paid", 9.0))

    def test_top_up_the_card_online(self):
        self.authenticate("chp_a", PASSWORD)
        mine = self.open("/my/charging")
        self.assertIn("o_ep_topup_form", mine.text)
        checkout = self.post(mine, "/my/charging/topup", card_id=str(self.card.id), amount="20",
                             channel_id=str(self.wechat.id))
        payment = self.env["ep.parking.order"].search([("res_model", "=", "ep.charging.card"),
                                                       ("res_id", "=", self.card.id)])
        self.assertEqual((payment.kind, payment.amount, payment.state), ("charging", 20.0, "unpaid"))
        self.assertEqual(self.card.balance, 0.0, "nothing before the payment")
        token = self.env["ep.parking.test.payment"]._find(payment).token
        self.post(checkout, "/ep/pay/test/%s/pay" % token, notify="1")
        self.assertEqual((self.card.balance, self.card.transaction_ids.kind), (20.0, "topup"))
        self.post(mine, "/my/charging/topup", expect=400, card_id=str(self.card.id), amount="0",
                  channel_id=str(self.wechat.id))
        self.authenticate("chp_b", PASSWORD)
        self.post(self.open(self.gun_path()), "/my/charging/topup", expect=404, card_id=str(self.card.id),
                  amount="20", channel_id=str(self.wechat.id))

    def test_reserve_from_the_gun_page(self):
        self.authenticate("chp_a", PASSWORD)
        page = self.open(self.gun_path())
        self.assertIn("o_ep_reserve_form", page.text)
        mine = self.post(page, self.gun_path("/reserve"), plate="粤B31313")
        reservation = self.env["ep.charging.reservation"].search([("partner_id", "=", self.owner.partner_id.id)])
        self.assertEqual((reservation.plate, reservation.fee, reservation.state), ("粤B31313", 3.0, "reserved"))
        self.assertIn(reservation.name, mine.text)
        self.assertTrue(re.search(r"Pay 3\.00", mine.text))
        again = self.post(page, self.gun_path("/reserve"), plate="粤B31314")
        self.assertIn("already reserved", again.text)
