import base64

from odoo.exceptions import AccessError, ValidationError

from .common import EpParkingCase

JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


class TestLotNote(EpParkingCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Lot = cls.env["ep.parking.lot"]
        cls.lot = Lot.create({"name": "Note Tower", "code": "TN-001", "region_id": cls.division_node.id})
        other_company = cls.env["ep.parking.region"].create({"name": "Other", "code": "TN-O", "kind": "company"})
        other_region = cls.env["ep.parking.region"].create(
            {"name": "South", "code": "TN-O-S", "kind": "region", "parent_id": other_company.id})
        other_division = cls.env["ep.parking.region"].create(
            {"name": "Xiamen", "code": "TN-O-S-XM", "kind": "division", "parent_id": other_region.id})
        cls.other_lot = Lot.create({"name": "Far Away", "code": "TN-002", "region_id": other_division.id})
        cls.operator = cls.users["operator"]
        cls.operator.ep_region_ids = cls.region_node

    def _upload(self, name, data, user=None):
        """An attachment as the many2many_binary widget uploads it: not tied to a note yet."""
        return self.env["ir.attachment"].sudo(user or self.operator).create({
            "name": name, "datas_fname": name, "datas": base64.b64encode(data),
            "res_model": "ep.parking.lot.note",
        })

    def _note(self, attachments, user=None):
        return self.env["ep.parking.lot.note"].sudo(user or self.operator).create({
            "lot_id": self.lot.id, "body": "Gate 2 is slow in the rain.",
            "attachment_ids": [(6, 0, attachments.ids)],
        })

    def test_operator_adds_a_note_with_three_valid_files(self):
        files = self._upload("lane.jpg", JPG) | self._upload("map.png", PNG) | self._upload("deal.pdf", PDF)
        note = self._note(files)
        self.assertEqual(note.user_id, self.operator)
        self.assertTrue(note.date)
        self.assertEqual(note.attachment_count, 3)
        self.assertEqual(set(files.mapped("res_id")), {note.id}, "uploads are tied to the note")
        self.assertIn(note, self.lot.note_ids)
        self.assertIn("Note Tower", note.name_get()[0][1])

    def test_fourth_attachment_is_refused(self):
        note = self._note(self._upload("a.jpg", JPG) | self._upload("b.png", PNG) | self._upload("c.pdf", PDF))
        fourth = self._upload("d.jpg", JPG)
        with self.assertRaises(ValidationError) as error, self.cr.savepoint():
            note.write({"attachment_ids": [(4, fourth.id)]})
        self.assertIn("at most 3", str(error.exception))
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self._note(note.attachment_ids | fourth)

    def test_file_over_5_mb_is_refused(self):
        big = self._upload("big.jpg", JPG + b"\x00" * (6 * 1024 * 1024))
        with self.assertRaises(ValidationError) as error, self.cr.savepoint():
            self._note(big)
        self.assertIn("5 MB", str(error.exception))

    def test_file_of_exactly_5_mb_is_accepted(self):
        limit = self._upload("limit.png", PNG + b"\x00" * (5 * 1024 * 1024 - len(PNG)))
        self.assertEqual(self._note(limit).attachment_count, 1)

    def test_executable_is_refused(self):
        with self.assertRaises(ValidationError) as error, self.cr.savepoint():
            self._note(self._upload("tool.exe", EXE))
        self.assertIn("jpg/png/pdf", str(error.exception))

    def test_fake_jpg_is_refused_by_content(self):
        with self.assertRaises(ValidationError) as error, self.cr.savepoint():
            self._note(self._upload("photo.jpg", EXE))
        self.assertIn("not a real jpg", str(error.exception))

    def test_wrong_attachment_refused_on_write_too(self):
        note = self._note(self._upload("a.jpg", JPG))
        with self.assertRaises(ValidationError), self.cr.savepoint():
            note.write({"attachment_ids": [(4, self._upload("fake.pdf", PNG).id)]})
        self.assertEqual(note.attachment_count, 1)

    def test_note_without_attachment(self):
        note = self._note(self.env["ir.attachment"])
        self.assertEqual(note.attachment_count, 0)

    def test_operator_cannot_note_or_see_a_lot_of_another_region(self):
        foreign = self.env["ep.parking.lot.note"].create({"lot_id": self.other_lot.id, "body": "Private"})
        with self.assertRaises(AccessError):
            foreign.sudo(self.operator).read(["body"])
        with self.assertRaises(AccessError), self.cr.savepoint():
            self.env["ep.parking.lot.note"].sudo(self.operator).create(
                {"lot_id": self.other_lot.id, "body": "Not mine"})

    def test_note_attachments_follow_the_note_access(self):
        note = self._note(self._upload("a.jpg", JPG))
        other = self.users["lot_staff"]  # no region: may not read the note nor its files
        with self.assertRaises(AccessError):
            note.attachment_ids.sudo(other).read(["datas"])

    def test_only_managers_delete_notes(self):
        note = self._note(self._upload("a.jpg", JPG))
        attachment = note.attachment_ids
        with self.assertRaises(AccessError):
            note.sudo(self.operator).unlink()
        note.sudo(self.users["manager"]).unlink()
        self.assertFalse(note.exists())
        self.assertFalse(attachment.exists(), "the note's files go with it")
