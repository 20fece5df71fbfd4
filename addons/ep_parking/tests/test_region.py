from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tools import mute_logger

from .common import EpParkingCase


class TestRegion(EpParkingCase):

    def test_complete_name_follows_the_tree(self):
        self.assertEqual(self.division_node.complete_name, "Test Co / North / Beijing")
        self.region_node.name = "Northern"
        self.assertEqual(self.division_node.complete_name, "Test Co / Northern / Beijing")

    def test_kind_decides_the_parent(self):
        Region = self.env["ep.parking.region"]
        with self.assertRaises(ValidationError):
            Region.create({"name": "Orphan", "code": "X1", "kind": "division"})
        with self.assertRaises(ValidationError):
            Region.create({"name": "Skip", "code": "X2", "kind": "division", "parent_id": self.company_node.id})
        with self.assertRaises(ValidationError):
            Region.create({"name": "Sub co", "code": "X3", "kind": "company", "parent_id": self.region_node.id})

    def test_no_cycles(self):
        with self.assertRaises(ValidationError):
            self.region_node.parent_id = self.division_node

    def test_code_unique_per_company(self):
        with self.assertRaises(IntegrityError), self.cr.savepoint(), mute_logger("odoo.sql_db"):
            self.env["ep.parking.region"].create({"name": "Dup", "code": "T-N", "kind": "region",
                                                  "parent_id": self.company_node.id})

    def test_child_of_covers_the_subtree(self):
        below = self.env["ep.parking.region"].search([("id", "child_of", self.region_node.id)])
        self.assertEqual(below, self.region_node | self.division_node)

    def test_user_regions_are_the_staff_of_the_node(self):
        staff = self.users["lot_staff"]
        staff.ep_region_ids = self.division_node
        self.assertIn(staff, self.division_node.user_ids)
