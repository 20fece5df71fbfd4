from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, ValidationError
from odoo.tools import mute_logger

from .common import EpParkingLotCase


class TestVehicle(EpParkingLotCase):
    """Seed 000 §2.10.2: the vehicle register and members."""

    def test_plates_are_normalised_checked_and_unique(self):
        Vehicle = self.env["ep.parking.vehicle"].sudo(self.users["operator"])
        car = Vehicle.create({"plate": "浙b·d12345", "kind": "new_energy"})
        self.assertEqual(car.plate, "浙BD12345")
        with self.assertRaises(ValidationError):
            Vehicle.create({"plate": "HELLO"})
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            Vehicle.create({"plate": "浙BD12345"})

    def test_members_own_vehicles(self):
        member = self.env["res.partner"].create({"name": "Wang Fang", "mobile": "13700137000", "ep_member": True})
        car = self.env["ep.parking.vehicle"].new({"plate": "京A12345", "partner_id": member.id})
        car._onchange_partner_id()
        self.assertEqual(car.phone, "13700137000")
        car = self.env["ep.parking.vehicle"].create({"plate": "京A12345", "partner_id": member.id})
        self.assertEqual((member.ep_vehicle_count, member.ep_vehicle_ids), (1, car))

    def test_passage_count_follows_the_plate(self):
        car = self.env["ep.parking.vehicle"].create({"plate": "京A54321"})
        self.env["ep.parking.passage"].create({"lot_id": self.lot.id, "plate": "京A54321", "direction": "in",
                                               "passage_time": "2024-05-01 08:00:00"})
        self.assertEqual(car.passage_count, 1)
        action = car.action_view_passages()
        self.assertEqual(action["domain"], [("plate", "=", "京A54321")])

    def test_outsiders_cannot_read_vehicles(self):
        car = self.env["ep.parking.vehicle"].create({"plate": "京A11111"})
        with self.assertRaises(AccessError):
            car.sudo(self.plain_user).read(["plate"])
        with self.assertRaises(AccessError):
            car.sudo(self.users["operator"]).unlink()
