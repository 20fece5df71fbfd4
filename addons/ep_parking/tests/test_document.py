import base64
from datetime import date, timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError

from .common import EpParkingCase

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _day(delta):
    return fields.Date.to_string(date.today() + timedelta(days=delta))


class TestDocument(EpParkingCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Region = cls.env["ep.parking.region"]
        cls.lot = cls.env["ep.parking.lot"].create(
            {"name": "Doc Tower", "code": "TD-001", "region_id": cls.division_node.id})
        other_company = Region.create({"name": "Other", "code": "TD-O", "kind": "company"})
        other_region = Region.create({"name": "West", "code": "TD-O-W", "kind": "region",
                                      "parent_id": other_company.id})
        other_division = Region.create({"name": "Chengdu", "code": "TD-O-W-CD", "kind": "division",
                                        "parent_id": other_region.id})
        cls.other_lot = cls.env["ep.parking.lot"].create(
            {"name": "Far Lot", "code": "TD-002", "region_id": other_division.id})
        cls.staff = cls.users["lot_staff"]
        cls.staff.ep_region_ids = cls.division_node
        cls.operator = cls.users["operator"]
        cls.operator.ep_region_ids = cls.division_node
        cls.Document = cls.env["ep.parking.document"]

    def _create(self, user=None, **vals):
        values = {"name": "Contract", "lot_id": self.lot.id, "doc_type": "ep_contract"}
        values.update(vals)
        return self.Document.sudo(user or self.staff).create(values)

    # ------------------------------------------------------------ file
    def test_staff_uploads_a_pdf(self):
        doc = self._create(file=base64.b64encode(PDF), file_name="contract.pdf", amount=12000.5, code="HT-1")
        self.assertEqual(doc.state, "active")
        self.assertEqual(doc.uploader, self.staff.name)
        self.assertEqual(doc.currency_id, self.lot.currency_id)
        self.assertEqual(base64.b64decode(doc.with_context(bin_size=False).file), PDF)
        self.assertIn(doc, self.lot.document_ids)
        self.assertEqual(self.lot.document_count, 1)

    def test_only_pdf_is_accepted(self):
        with self.assertRaises(ValidationError) as error, self.cr.savepoint():
            self._create(file=base64.b64encode(PNG), file_name="scan.png")
        self.assertIn("pdf", str(error.exception))
        with self.assertRaises(ValidationError) as error, self.cr.savepoint():
            self._create(file=base64.b64encode(PNG), file_name="scan.pdf")
        self.assertIn("not a real pdf", str(error.exception))

    def test_pdf_over_5_mb_is_refused(self):
        big = PDF + b"\x00" * (5 * 1024 * 1024)
        with self.assertRaises(ValidationError) as error, self.cr.savepoint():
            self._create(file=base64.b64encode(big), file_name="big.pdf")
        self.assertIn("5 MB", str(error.exception))

    def test_replacing_the_file_is_checked(self):
        doc = self._create(file=base64.b64encode(PDF), file_name="ok.pdf")
        with self.assertRaises(ValidationError), self.cr.savepoint():
            doc.write({"file": base64.b64encode(PNG), "file_name": "new.pdf"})

    # ------------------------------------------------------------ dates
    def test_end_before_start_is_refused(self):
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self._create(date_start="2020-05-01", date_end="2020-04-30")
        doc = self._create(date_start="2020-05-01", date_end="2020-05-01")
        with self.assertRaises(ValidationError), self.cr.savepoint():
            doc.write({"date_end": "2019-01-01"})

    def test_negative_validity_is_refused(self):
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self._create(validity_years=-1)

    def test_validity_years_set_the_end(self):
        doc = self.Document.sudo(self.staff).new({"date_start": "2019-03-01", "validity_years": 3})
        doc._onchange_validity()
        self.assertEqual(doc.date_end, "2022-02-28")
        doc.validity_years = 2
        doc.date_start = "2019-01-15"
        doc._onchange_validity()
        self.assertEqual(doc.date_end, "2021-01-14")
        doc.validity_years = 0
        doc.date_end = "2030-01-01"
        doc._onchange_validity()
        self.assertEqual(doc.date_end, "2030-01-01", "no validity, the end date is left as typed")

    # ------------------------------------------------------------ cron and states
    def test_cron_marks_ended_documents_expired(self):
        ended = self._create(date_start=_day(-400), date_end=_day(-1))
        ends_today = self._create(date_start=_day(-400), date_end=_day(0))
        open_ended = self._create()
        voided = self._create(date_start=_day(-400), date_end=_day(-1))
        voided.action_void()
        expired = self.Document._cron_mark_expired()
        self.assertEqual(expired, ended)
        self.assertEqual(ended.state, "expired")
        self.assertEqual(ends_today.state, "active")
        self.assertEqual(open_ended.state, "active")
        self.assertEqual(voided.state, "void")

    def test_cron_is_registered_daily(self):
        cron = self.env.ref("ep_parking.ep_parking_document_cron_expire")
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))
        self.assertIn("_cron_mark_expired", cron.code)

    def test_renew_opens_the_next_term(self):
        doc = self._create(date_start="2018-01-01", date_end="2020-12-31", validity_years=3, amount=100)
        action = doc.action_renew()
        self.assertEqual(doc.state, "renewed")
        self.assertEqual(action["res_model"], "ep.parking.document")
        context = action["context"]
        self.assertEqual(context["default_lot_id"], self.lot.id)
        self.assertEqual(context["default_date_start"], "2021-01-01")
        self.assertEqual(context["default_date_end"], "2023-12-31")
        renewal = self.Document.sudo(self.staff).with_context(**context).create({})
        self.assertEqual((renewal.state, renewal.amount, renewal.name), ("active", 100, "Contract"))
        with self.assertRaises(UserError):
            doc.action_renew()

    def test_void_and_reactivate(self):
        doc = self._create(date_start=_day(-10), date_end=_day(10))
        with self.assertRaises(UserError):
            doc.action_reactivate()
        doc.sudo(self.staff).action_void()
        self.assertEqual(doc.state, "void")
        with self.assertRaises(UserError):
            doc.action_void()
        with self.assertRaises(UserError):
            doc.action_renew()
        ended = self._create(date_start=_day(-10), date_end=_day(-1))
        self.Document._cron_mark_expired()
        self.assertEqual(ended.state, "expired")
        with self.assertRaises(UserError):
            ended.action_reactivate()
        ended.date_end = _day(30)
        ended.sudo(self.staff).action_reactivate()
        self.assertEqual(ended.state, "active")

    def test_acceptance_form_ticks_the_rollout_checklist(self):
        def ticked():
            return dict(self.lot._get_checklist())["Acceptance form on file"]

        self.assertFalse(ticked())
        doc = self._create(doc_type="acceptance", name="Acceptance")
        self.lot.invalidate_cache()
        self.assertTrue(ticked())
        doc.action_void()
        self.lot.invalidate_cache()
        self.assertFalse(ticked())

    # ------------------------------------------------------------ access
    def test_operators_read_but_do_not_upload(self):
        doc = self._create()
        self.assertEqual(doc.sudo(self.operator).name, "Contract")
        with self.assertRaises(AccessError), self.cr.savepoint():
            self._create(user=self.operator)
        with self.assertRaises(AccessError):
            doc.sudo(self.operator).write({"state": "void"})

    def test_staff_cannot_see_documents_of_other_regions(self):
        foreign = self.Document.create({"name": "Secret", "lot_id": self.other_lot.id})
        with self.assertRaises(AccessError):
            foreign.sudo(self.staff).read(["name"])
        self.assertNotIn(foreign, self.Document.sudo(self.staff).search([]))
        with self.assertRaises(AccessError), self.cr.savepoint():
            self._create(lot_id=self.other_lot.id)
