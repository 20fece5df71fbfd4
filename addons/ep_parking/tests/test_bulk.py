from odoo.exceptions import AccessError, ValidationError
from odoo.tests.common import SavepointCase

from ..bulk import bulk_create


class TestBulkCreate(SavepointCase):
    """ep_parking/bulk.py: one INSERT for many records, with what create would compute."""

    def test_same_values_as_create(self):
        Partner = self.env["res.partner"]
        made = bulk_create(Partner, [{"name": "Bulk %s" % n, "mobile": "1390000%04d" % n} for n in range(50)])
        reference = Partner.create({"name": "One by one", "mobile": "13900009999"})
        self.assertEqual(made.mapped("name"), ["Bulk %s" % n for n in range(50)], "in the order given")
        made.invalidate_cache()
        for partner in made:
            self.assertEqual(partner.display_name, partner.name)  # stored computed, batch-written
            self.assertEqual(partner.commercial_partner_id, partner)
        for field in ("active", "type", "lang", "company_id", "customer"):
            self.assertEqual(made[0][field], reference[field], field)  # defaults
        self.assertEqual(made[0].create_uid, self.env.user)
        self.assertTrue(made[0].create_date)

    def test_constraints_and_rights_still_apply(self):
        lot = self.env.ref("ep_parking.lot_sz001_demo")
        Passage = self.env["ep.parking.passage"]
        with self.assertRaisesRegex(ValidationError, "not a valid licence plate"), self.env.cr.savepoint():
            bulk_create(Passage, [{"lot_id": lot.id, "plate": "??", "direction": "in",
                                   "passage_time": "2026-01-01 00:00:00", "event_ref": "b-1"}])
        plain = self.env.ref("base.user_demo")
        with self.assertRaises(AccessError):
            bulk_create(self.env["ep.parking.lot"].sudo(plain), [{"name": "No", "code": "T-NO"}])
        with self.assertRaisesRegex(ValueError, "column fields only"):
            bulk_create(self.env["res.partner"], [{"name": "X", "child_ids": []}])
        with self.assertRaisesRegex(ValueError, "parent-store"):
            bulk_create(self.env["ep.parking.region"], [{"name": "R", "code": "R", "kind": "company"}])
        self.assertFalse(bulk_create(Passage, []))
