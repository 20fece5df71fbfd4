"""``/ep/export/xlsx/<export id>``: the file of a back-office list export (wizard/ep_parking_xlsx_export.py).
Only its creator may download it (transient record); the rows are read as them."""
from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.http import content_disposition, request

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class XlsxExport(http.Controller):

    @http.route("/ep/export/xlsx/<int:export_id>", type="http", auth="user", methods=["GET"])
    def xlsx_export(self, export_id, **kwargs):
        export = request.env["ep.parking.xlsx.export"].browse(export_id).exists()
        try:
            export.check_access_rule("read")
            if not export:
                return request.not_found()
            filename, data = export._get_file()
        except AccessError:
            return request.not_found()
        except UserError as exc:
            response = request.make_response(exc.name, headers=[("Content-Type", "text/plain; charset=utf-8")])
            response.status_code = 400
            return response
        return request.make_response(data, headers=[
            ("Content-Type", XLSX_MIMETYPE), ("Content-Length", str(len(data))),
            ("Content-Disposition", content_disposition(filename)), ("Cache-Control", "no-store")])
