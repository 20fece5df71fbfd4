"""The big screen (大屏幕, seed 000 §2.9.4) for staff: ``/ep/bigscreen`` is a full-screen page that
asks ``/ep/bigscreen/data`` (JSON) every 10 seconds. Both run as the logged-in user, so the record
rules keep the figures to the user's regions; portal users and visitors are refused."""
import json

import werkzeug

from odoo import http
from odoo.http import request

REFRESH_SECONDS = 10


class BigScreen(http.Controller):

    def _check_staff(self):
        if not request.env.user.has_group("ep_parking.group_operator"):
            raise werkzeug.exceptions.Forbidden()

    @http.route("/ep/bigscreen", type="http", auth="user", methods=["GET"])
    def bigscreen(self, **kwargs):
        self._check_staff()
        return request.render("ep_parking.bigscreen_page", {"refresh_seconds": REFRESH_SECONDS})

    @http.route("/ep/bigscreen/data", type="http", auth="user", methods=["GET"])
    def bigscreen_data(self, **kwargs):
        self._check_staff()
        data = request.env["ep.parking.dashboard"]._get_bigscreen_data()
        return request.make_response(json.dumps(data, ensure_ascii=False), headers=[
            ("Content-Type", "application/json; charset=utf-8"), ("Cache-Control", "no-store")])
