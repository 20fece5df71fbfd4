"""``/ep/charging/charger/<id>/qr.png``: the QR code of a pile's first gun, to print (seed 004 §4.3
二维码下载), read as the logged-in user: a charger they may not see is answered 404."""
from odoo import http
from odoo.addons.ep_parking.lib import qr
from odoo.exceptions import AccessError
from odoo.http import content_disposition, request


class ChargerQr(http.Controller):

    @http.route("/ep/charging/charger/<int:charger_id>/qr.png", type="http", auth="user", methods=["GET"])
    def charger_qr(self, charger_id, gun=1, **kwargs):
        charger = request.env["ep.charging.charger"].browse(charger_id).exists()
        try:
            charger.check_access_rule("read")
            connector = charger.connector_ids.filtered(lambda c: str(c.number) == str(gun))
        except AccessError:
            connector = None
        if not charger or not connector:
            return request.not_found()
        data = qr.qr_png(connector._get_qr_url())
        filename = qr.material_filename(charger.station_id.name, charger.code, "%s" % connector.number)
        return request.make_response(data, headers=[
            ("Content-Type", "image/png"), ("Content-Length", str(len(data))),
            ("Content-Disposition", content_disposition(filename)), ("Cache-Control", "no-store")])
