"""Downloads of a lot's QR materials (seed 000 §2.1.3 物料下载) for back-office staff.

``/ep/parking/lot/<lot id>/qr/<kind>.png[?gate=<device id>]`` gives one code as a PNG named like
the manual's pictures (<lot>-<kind>-<gate>.png); ``/ep/parking/lot/<lot id>/qr.pdf`` gives a
printable sheet with every code of the lot. Everything is read as the logged-in user: a lot or
gate they may not see is answered 404, like one that does not exist.
"""
from odoo import http
from odoo.exceptions import AccessError
from odoo.http import content_disposition, request

from ..lib import qr


class LotQrMaterials(http.Controller):

    def _get_lot(self, lot_id):
        lot = request.env["ep.parking.lot"].browse(lot_id).exists()
        if not lot:
            return None
        try:
            lot.check_access_rights("read")
            lot.check_access_rule("read")
        except AccessError:
            return None
        return lot

    def _get_gate(self, lot, gate_id):
        try:
            gate_id = int(gate_id or 0)
        except ValueError:
            return None
        if not gate_id:
            return None
        gate = request.env["ep.device"].browse(gate_id).exists()
        try:
            gate.check_access_rule("read")
        except AccessError:
            return None
        return gate if gate and gate.lot_id == lot else None

    def _file_response(self, data, mimetype, filename):
        return request.make_response(data, headers=[
            ("Content-Type", mimetype),
            ("Content-Length", str(len(data))),
            ("Content-Disposition", content_disposition(filename)),
            ("Cache-Control", "no-store"),
        ])

    @http.route("/ep/parking/lot/<int:lot_id>/qr/<string:kind>.png", type="http", auth="user", methods=["GET"])
    def lot_qr_png(self, lot_id, kind, gate=None, **kwargs):
        lot = self._get_lot(lot_id)
        if not lot or kind not in qr.KINDS:
            return request.not_found()
        gate_record = None
        if qr.is_gate_kind(kind):
            gate_record = self._get_gate(lot, gate)
            if not gate_record:
                return request.not_found()
        material = request.env["ep.parking.lot.qr"]._get_material(lot, kind, gate_record)
        if not material:  # e.g. an entry gate asked for an exit code
            return request.not_found()
        return self._file_response(qr.qr_png(material["url"]), "image/png", material["filename"])

    @http.route("/ep/parking/lot/<int:lot_id>/qr.pdf", type="http", auth="user", methods=["GET"])
    def lot_qr_pdf(self, lot_id, **kwargs):
        lot = self._get_lot(lot_id)
        if not lot:
            return request.not_found()
        materials = request.env["ep.parking.lot.qr"]._get_lot_materials(lot)
        pages = [{"url": m["url"], "lot": lot.name, "kind": m["label"], "gate": m["gate"].name or None}
                 for m in materials]
        pdf = qr.qr_sheet_pdf(pages, title=lot.name)
        label = request.env["ep.parking.lot.qr"]._get_pdf_label()
        return self._file_response(pdf, "application/pdf", qr.material_filename(lot.name, label, ext="pdf"))
