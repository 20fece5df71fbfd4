import re

from odoo.http import content_disposition
from odoo.tests.common import HOST, PORT

from ..lib import qr
from .common import EpHttpCase, EpParkingCase

BASE = "https://ep.example.com"


def _page_count(pdf):
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


def _make_lot(env, division, code, name):
    lot = env["ep.parking.lot"].create({"name": name, "code": code, "region_id": division.id})
    Device = env["ep.device"]
    prefix = code.lower()
    gates = {
        "out": Device.create({"name": "出口1", "code": "%s-out-1" % prefix, "kind": "gate", "direction": "out",
                              "lot_id": lot.id}),
        "in": Device.create({"name": "入口1", "code": "%s-in-1" % prefix, "kind": "gate", "direction": "in",
                             "lot_id": lot.id}),
        "in2": Device.create({"name": "入口2", "code": "%s-in-2" % prefix, "kind": "gate", "direction": "in",
                              "lot_id": lot.id}),
    }
    Device.create({"name": "Camera", "code": "%s-cam" % prefix, "kind": "camera", "lot_id": lot.id})
    return lot, gates


class TestQrMaterials(EpParkingCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("web.base.url", BASE)
        cls.lot, cls.gates = _make_lot(cls.env, cls.division_node, "TQ-001", "阳光大厦")
        cls.operator = cls.users["operator"]
        cls.operator.ep_region_ids = cls.division_node

    def _open(self, user=None):
        Wizard = self.env["ep.parking.lot.qr"].sudo(user or self.operator)
        action = self.lot.sudo(user or self.operator).action_open_qr_materials()
        self.assertEqual((action["res_model"], action["target"]), ("ep.parking.lot.qr", "new"))
        return Wizard.browse(action["res_id"])

    def test_wizard_lists_every_material_of_the_lot(self):
        wizard = self._open()
        lines = wizard.line_ids
        self.assertEqual(lines.mapped("kind"), ["exit", "lot", "generic", "entry", "entry"])
        by_gate = {line.gate_id: line for line in lines if line.gate_id}
        by_kind = {line.kind: line for line in lines if not line.gate_id}
        out, in1 = self.gates["out"], self.gates["in"]
        self.assertEqual(by_gate[out].url, "%s/ep/qr/g/%s" % (BASE, out.qr_token))
        self.assertEqual(by_gate[in1].url, "%s/ep/qr/g/%s" % (BASE, in1.qr_token))
        self.assertEqual(by_kind["lot"].url, BASE + "/ep/qr/l/TQ-001")
        self.assertEqual(by_kind["generic"].url, BASE + "/ep/qr/pay")
        self.assertEqual(by_gate[out].filename, "阳光大厦-Fast Exit Payment QR-出口1.png")
        self.assertEqual(by_gate[in1].filename, "阳光大厦-Unplated Entry QR-入口1.png")
        self.assertEqual(by_kind["lot"].filename, "阳光大厦-Lot Payment QR.png")
        self.assertEqual(by_kind["generic"].filename, "阳光大厦-Generic Payment QR.png")
        self.assertEqual(by_gate[out].download_url,
                         "/ep/parking/lot/%d/qr/exit.png?gate=%d" % (self.lot.id, out.id))
        download = by_gate[out].action_download()
        self.assertEqual((download["type"], download["url"]), ("ir.actions.act_url", by_gate[out].download_url))

    def test_print_all_points_to_the_pdf(self):
        action = self._open().action_print_all()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertEqual(action["url"], "/ep/parking/lot/%d/qr.pdf" % self.lot.id)

    def test_archived_gates_have_no_material(self):
        self.gates["in2"].active = False
        self.assertEqual(self._open().line_ids.mapped("kind"), ["exit", "lot", "generic", "entry"])

    def test_gates_change_their_code_when_their_direction_does(self):
        self.gates["in2"].direction = "out"
        kinds = self._open().line_ids.mapped("kind")
        self.assertEqual(kinds.count("exit"), 2)
        self.assertEqual(kinds.count("entry"), 1)

    def test_material_lookup_checks_kind_and_gate(self):
        Wizard = self.env["ep.parking.lot.qr"].sudo(self.operator)
        lot = self.lot.sudo(self.operator)
        self.assertTrue(Wizard._get_material(lot, "exit", self.gates["out"]))
        self.assertIsNone(Wizard._get_material(lot, "exit", self.gates["in"]))
        self.assertIsNone(Wizard._get_material(lot, "entry", None))
        self.assertEqual(Wizard._get_material(lot, "generic")["url"], BASE + "/ep/qr/pay")


class TestQrDownload(EpHttpCase):
    """Downloads over HTTP as a logged-in operator of the lot's region."""

    def setUp(self):
        super().setUp()
        env = self.env(context={"tracking_disable": True, "no_reset_password": True})
        env["ir.config_parameter"].set_param("web.base.url", BASE)
        Region = env["ep.parking.region"]
        company = Region.create({"name": "QR Co", "code": "QH", "kind": "company"})
        region = Region.create({"name": "QR North", "code": "QH-N", "kind": "region", "parent_id": company.id})
        division = Region.create({"name": "QR City", "code": "QH-N-C", "kind": "division", "parent_id": region.id})
        other = Region.create({"name": "QR Far", "code": "QH-N-F", "kind": "division", "parent_id": region.id})
        self.lot, self.gates = _make_lot(env, division, "QH-001", "阳光大厦")
        self.other_lot, self.other_gates = _make_lot(env, other, "QH-002", "Far Lot")
        self.password = "Qr-Operator-2019!"
        env["res.users"].create({
            "name": "QR Operator", "login": "ep_test_qr_operator", "password": self.password,
            "groups_id": [(6, 0, [env.ref("ep_parking.group_operator").id])],
            "ep_region_ids": [(6, 0, division.ids)],
        })

    def _login(self):
        self.authenticate("ep_test_qr_operator", self.password)

    def _get(self, path):
        return self.url_open(path, timeout=60)

    def test_download_png_and_pdf(self):
        self._login()
        out = self.gates["out"]
        response = self._get("/ep/parking/lot/%d/qr/exit.png?gate=%d" % (self.lot.id, out.id))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "image/png")
        self.assertTrue(response.content.startswith(b"\x89PNG\r\n\x1a\n"))
        self.assertEqual(response.content, qr.qr_png("%s/ep/qr/g/%s" % (BASE, out.qr_token)),
                         "the PNG encodes the gate's URL")
        self.assertEqual(response.headers["Content-Disposition"],
                         content_disposition("阳光大厦-Fast Exit Payment QR-出口1.png"))

        response = self._get("/ep/parking/lot/%d/qr/lot.png" % self.lot.id)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, qr.qr_png(BASE + "/ep/qr/l/QH-001"))
        self.assertEqual(response.headers["Content-Disposition"], content_disposition("阳光大厦-Lot Payment QR.png"))

        response = self._get("/ep/parking/lot/%d/qr/entry.png?gate=%d" % (self.lot.id, self.gates["in2"].id))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, qr.qr_png("%s/ep/qr/g/%s" % (BASE, self.gates["in2"].qr_token)))

        response = self._get("/ep/parking/lot/%d/qr.pdf" % self.lot.id)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF-"))
        self.assertEqual(_page_count(response.content), 5, "exit, lot, generic and two entry codes")

    def test_unknown_or_mismatched_material_is_404(self):
        self._login()
        lot_id, out, entry = self.lot.id, self.gates["out"], self.gates["in"]
        for path in (
            "/ep/parking/lot/%d/qr/exit.png?gate=%d" % (lot_id, entry.id),  # wrong direction
            "/ep/parking/lot/%d/qr/entry.png?gate=%d" % (lot_id, out.id),
            "/ep/parking/lot/%d/qr/exit.png" % lot_id,  # gate missing
            "/ep/parking/lot/%d/qr/exit.png?gate=abc" % lot_id,
            "/ep/parking/lot/%d/qr/exit.png?gate=%d" % (lot_id, self.other_gates["out"].id),  # another lot's gate
            "/ep/parking/lot/%d/qr/exit.png?gate=999999999" % lot_id,
            "/ep/parking/lot/%d/qr/bogus.png" % lot_id,
            "/ep/parking/lot/999999999/qr/lot.png",
            "/ep/parking/lot/999999999/qr.pdf",
        ):
            self.assertEqual(self._get(path).status_code, 404, path)

    def test_lot_of_another_region_is_hidden(self):
        self._login()
        for path in ("/ep/parking/lot/%d/qr/lot.png" % self.other_lot.id,
                     "/ep/parking/lot/%d/qr.pdf" % self.other_lot.id):
            response = self._get(path)
            self.assertEqual(response.status_code, 404, path)
            self.assertFalse(response.content.startswith((b"%PDF", b"\x89PNG")))

    def test_anonymous_visitors_are_sent_to_login(self):
        response = self.request("GET", "http://%s:%s/ep/parking/lot/%d/qr.pdf" % (HOST, PORT, self.lot.id),
                                allow_redirects=False)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/web/login", response.headers["Location"])
