"""An owner applies for a month card on the portal and follows it (seed 000 §2.3.4), over HTTP."""
import re

from odoo.addons.ep_parking.tests.common import EpHttpCase, make_division

from .test_application import PNG

PASSWORD = "Ep-Mc-Owner-2026!"


class TestApplicationPortal(EpHttpCase):

    def setUp(self):
        super().setUp()
        division = make_division(self.env, "T-MCA")
        self.lot = self.env["ep.parking.lot"].create({"name": "Apply Lot", "code": "T-MCA-1",
                                                      "region_id": division.id, "state": "operating"})
        self.rule = self.env["ep.monthcard.rule"].create({"name": "Ground", "lot_id": self.lot.id, "price": 100})
        self.owner = self.env["res.users"].create({
            "name": "Owner", "login": "ep_mca_owner", "password": PASSWORD,
            "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])]})
        self.staff = self.env["res.users"].create({
            "name": "Staff", "login": "ep_mca_staff", "email": "mca.staff@example.com",
            "ep_region_ids": [(6, 0, division.ids)],
            "groups_id": [(6, 0, [self.env.ref("ep_parking.group_lot_staff").id])]})
        self.Application = self.env["ep.monthcard.application"]

    def form(self, **data):
        values = {"plate": "粤b·12345", "lot_id": str(self.lot.id), "phone": "13800138000",
                  "address": "Keyuan Road 8", "building": "5", "room": "1203", "note": "Evenings"}
        values.update(data)
        return values

    def test_apply_and_follow_the_progress(self):
        stranger = self.env["res.partner"].create({"name": "Stranger"})
        theirs = self.Application.create({
            "partner_id": stranger.id, "lot_id": self.lot.id, "plate": "粤B99999", "phone": "13900139000",
            "address": "Elsewhere"})
        self.authenticate("ep_mca_owner", PASSWORD)
        self.assertIn("/my/monthcard/applications", self.open("/my/home").text)
        page = self.open("/my/monthcard/applications/new")
        self.assertIn("Apply Lot", page.text)

        sent = self.post(page, "/my/monthcard/applications/new", send_code="1", **self.form())
        self.assertIn("A 6-digit code was sent to 13800138000", sent.text)
        code = re.search(r"verification code is (\d{6})", sent.text).group(1)
        photo = {"id_photo": ("id.png", PNG, "image/png")}

        no_photo = self.post(sent, "/my/monthcard/applications/new", code=code, **self.form())
        self.assertIn("Please upload a photo of your ID", no_photo.text)
        bad_plate = self.post(sent, "/my/monthcard/applications/new", files=photo, code=code,
                              **self.form(plate="X1"))
        self.assertIn("valid licence plate", bad_plate.text)
        wrong = self.post(sent, "/my/monthcard/applications/new", files=photo, code="000000", **self.form())
        self.assertIn("Wrong code", wrong.text)
        self.assertFalse(self.Application.search([("partner_id", "=", self.owner.partner_id.id)]))

        done = self.post(sent, "/my/monthcard/applications/new", files=photo, code=code, **self.form())
        application = self.Application.search([("partner_id", "=", self.owner.partner_id.id)])
        self.assertEqual(len(application), 1)
        self.assertTrue(done.url.endswith("/my/monthcard/applications/%s" % application.id))
        self.assertIn("Waiting for approval", done.text)
        self.assertEqual((application.plate, application.lot_id, application.phone, application.approval_state),
                         ("粤B12345", self.lot, "13800138000", "to_approve"))
        self.assertTrue(application.phone_verified)
        self.assertEqual(application.requested_by, self.owner)
        self.assertEqual((application.building, application.room, application.id_photo_name),
                         ("5", "1203", "id.png"))
        self.assertTrue(application.id_photo)
        # the code is spent
        again = self.post(sent, "/my/monthcard/applications/new", files=photo, code=code,
                          **self.form(plate="粤B54321"))
        self.assertIn("Please ask for a code first", again.text)

        listing = self.open("/my/monthcard/applications").text
        self.assertIn(application.name, listing)
        self.assertNotIn(theirs.name, listing)
        self.open("/my/monthcard/applications/%s" % theirs.id, expect=404)

        application.sudo(self.staff).action_reject("The ID photo cannot be read")
        detail = self.open("/my/monthcard/applications/%s" % application.id).text
        self.assertIn("Rejected", detail)
        self.assertIn("The ID photo cannot be read", detail)
        self.assertIn(application.name, self.open("/my/monthcard/applications?state=rejected").text)
        self.assertNotIn(application.name, self.open("/my/monthcard/applications?state=to_approve").text)
