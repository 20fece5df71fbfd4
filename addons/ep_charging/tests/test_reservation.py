from datetime import datetime, timedelta

from odoo import fields
from odoo.addons.ep_parking.models.ep_parking_tariff import from_lot_time
from odoo.exceptions import UserError

from .common import EpChargingCase


class TestReservation(EpChargingCase):
    """004 §2.2, §5.3: reserving a space (published rule, daily limit, one booking per space), the
    pile told to hold it, the car arriving, expiry."""

    def setUp(self):
        super().setUp()
        self.rule = self.env["ep.charging.reservation.rule"].create({"name": "Seed", "daily_limit": 3,
                                                                      "minutes": 60, "fee": 5})
        self.gun = self.charger.connector_ids
        self.gun.state = "idle"
        self.Reservation = self.env["ep.charging.reservation"]
        self.ten = from_lot_time(datetime(2026, 12, 3, 10, 0))

    def commands(self, name):
        return self.env["ep.device.command"].search([("device_id", "=", self.charger.device_id.id),
                                                     ("command", "=", name)])

    def test_reserve_arrive(self):
        with self.assertRaisesRegex(UserError, "takes no reservations"):
            self.Reservation._reserve(self.gun, "粤B12345", start=self.ten)
        self.station.write({"reservation_rule_id": self.rule.id})
        self.station.action_publish_reservation()
        reservation = self.Reservation._reserve(self.gun, "粤b·12345", start=self.ten)
        self.assertEqual((reservation.plate, reservation.fee, reservation.state, reservation.end_at),
                         ("粤B12345", 5.0, "reserved", fields.Datetime.to_string(self.ten + timedelta(hours=1))))
        self.assertTrue(self.commands("reserve_space"))
        with self.assertRaisesRegex(UserError, "already reserved"):
            self.Reservation._reserve(self.gun, "粤B99999", start=self.ten + timedelta(minutes=30))
        self.assertFalse(reservation._admits("粤B99999", fields.Datetime.to_string(self.ten + timedelta(minutes=59))))
        self.report("space_occupied", self.ten + timedelta(minutes=20), gun=1, plate="粤B12345")
        self.assertEqual(reservation.state, "used")

    def test_daily_limit_and_expiry(self):
        self.station.write({"reservation_rule_id": self.rule.id})
        self.station.action_publish_reservation()
        for hour in range(3):
            booking = self.Reservation._reserve(self.gun, "粤B12345", start=self.ten + timedelta(hours=hour))
            if hour < 2:
                booking.action_cancel()
        self.assertEqual(len(self.commands("release_space")), 2)
        # cancelled bookings do not count: the owner made one today
        booking = self.Reservation._reserve(self.gun, "粤B12345", start=self.ten + timedelta(hours=5))
        booking.action_cancel()
        self.Reservation._reserve(self.gun, "粤B12345", start=self.ten + timedelta(hours=6))
        self.Reservation._reserve(self.gun, "粤B12345", start=self.ten + timedelta(hours=7))
        with self.assertRaisesRegex(UserError, "daily limit"):
            self.Reservation._reserve(self.gun, "粤B12345", start=self.ten + timedelta(hours=8))
        expired = self.Reservation._cron_expire()
        self.assertEqual(set(expired.mapped("state")), {"expired"})
        self.assertGreaterEqual(len(expired), 3)
