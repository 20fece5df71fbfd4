import base64
import json
from unittest.mock import patch

import psycopg2
from psycopg2 import errorcodes

from odoo.addons.ep_parking.models.ep_parking_vendor_report_mixin import EpParkingVendorReportMixin
from odoo.tools import config, mute_logger

from .common import EpHttpCase, make_division, make_vendor_lot

JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 64


class ConcurrentUpdate(psycopg2.OperationalError):
    pgcode = errorcodes.SERIALIZATION_FAILURE


class TestVendorApi(EpHttpCase):
    """The HTTP door of seed 000 §2.2.1-2.2.3, through a real HTTP server."""

    def setUp(self):
        super().setUp()
        division = make_division(self.env, "API")
        self.world = make_vendor_lot(self.env, division, code="API-LOT")
        self.lot = self.world["lot"]
        self.stranger_lot = self.env["ep.parking.lot"].create(
            {"name": "Not served", "code": "API-LOT-2", "region_id": division.id})
        self.base = "http://127.0.0.1:%s/ep/api/v1/" % config["http_port"]

    def post(self, endpoint, body, token=None, raw=None):
        token = self.world["vendor_token"] if token is None else token
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = "Bearer %s" % token
        data = raw if raw is not None else json.dumps(body)
        response = self.request("POST", self.base + endpoint, data=data.encode("utf-8"), headers=headers)
        return response.status_code, response.json()

    def passage(self, **over):
        body = {"event_id": "h-1", "lot": "API-LOT", "plate": "粤B12345", "direction": "in", "gate": "gate-in-1",
                "time": "2024-05-01 08:00:00", "vehicle_kind": "temp"}
        body.update(over)
        return body

    def count(self):
        return self.env["ep.parking.passage"].search_count([("lot_id", "=", self.lot.id)])

    def test_entry_exit_and_duplicate(self):
        status, answer = self.post("passages", self.passage(photo=base64.b64encode(JPEG).decode()))
        self.assertEqual((status, answer["result"], answer["duplicate"]), (200, 0, False))
        entry = self.env["ep.parking.passage"].browse(answer["id"])
        self.assertEqual((entry.plate, entry.source, entry.vendor_id), ("粤B12345", "http", self.world["vendor"]))
        self.assertEqual(base64.b64decode(entry.photo), JPEG)
        status, again = self.post("passages", self.passage())
        self.assertEqual((status, again["id"], again["duplicate"]), (200, answer["id"], True))
        status, exit_ = self.post("passages", self.passage(event_id="h-2", direction="out", gate="gate-out-1",
                                                           time="2024-05-01 09:00:00", amount_due="6",
                                                           amount_paid="6"))
        self.assertEqual((status, exit_["state"], exit_["entry_id"]), (200, "exit", answer["id"]))
        self.assertEqual(self.count(), 2)

    def test_concurrency_error_is_retried_with_the_same_body(self):
        """tests/reliability: a passage that loses to a concurrent one (same car, see _serialize_plate) is
        run again by Odoo's request layer; the body read once must still be there."""
        real, calls = EpParkingVendorReportMixin._ingest_vendor, []

        def first_time_concurrent(model, *args, **kwargs):
            calls.append(1)
            if len(calls) == 1:
                raise ConcurrentUpdate("could not serialize access due to concurrent update")
            return real(model, *args, **kwargs)

        with patch.object(EpParkingVendorReportMixin, "_ingest_vendor", first_time_concurrent), \
                mute_logger("odoo.service.model"):
            status, answer = self.post("passages", self.passage(event_id="h-retry"))
        self.assertEqual((status, answer["result"], answer["duplicate"], len(calls)), (200, 0, False, 2))
        self.assertEqual(self.count(), 1)

    def test_exit_without_entry(self):
        status, answer = self.post("passages", self.passage(event_id="h-3", direction="out"))
        self.assertEqual((status, answer["result"], answer["state"]), (200, 0, "unmatched"))

    def test_bad_requests_are_clear_4xx_and_write_nothing(self):
        cases = [
            ("bad json", dict(raw="{not json"), 400, 40001, "not valid JSON"),
            ("no token", dict(body=self.passage(), token=""), 401, 40101, "API token"),
            ("bad token", dict(body=self.passage(), token="wrong-token-000000000"), 401, 40101, "API token"),
            ("unknown lot", dict(body=self.passage(lot="NOPE")), 404, 40401, "NOPE"),
            ("not the vendor's lot", dict(body=self.passage(lot="API-LOT-2")), 403, 40301, "API-LOT-2"),
            ("bad plate", dict(body=self.passage(plate="ABC123")), 400, 40004, "plate"),
            ("missing time", dict(body=self.passage(time=None)), 400, 40002, "time"),
            ("bad photo", dict(body=self.passage(photo=base64.b64encode(b"GIF89a").decode())), 400, 40005, "JPEG"),
        ]
        for label, kwargs, status, code, needle in cases:
            got_status, answer = self.post("passages", kwargs.get("body"), token=kwargs.get("token"),
                                           raw=kwargs.get("raw"))
            self.assertEqual((got_status, answer["result"]), (status, code), label)
            self.assertIn(needle, answer["message"], label)
        self.assertEqual(self.count(), 0)

    def test_abnormal_opening(self):
        status, answer = self.post("abnormal_openings", {
            "event_id": "ab-1", "lot": "API-LOT", "gate": "gate-out-1", "kind": "system",
            "time": "2024-05-01 09:00:00", "reason": "plate unreadable", "plate": "粤B12345"})
        self.assertEqual((status, answer["result"]), (200, 0))
        opening = self.env["ep.parking.abnormal.opening"].browse(answer["id"])
        self.assertEqual((opening.kind, opening.gate_id, opening.vendor_id),
                         ("system", self.world["gate_out"], self.world["vendor"]))
        status, answer = self.post("abnormal_openings", {"event_id": "ab-2", "lot": "API-LOT", "gate": "g",
                                                         "kind": "magic", "time": "2024-05-01 09:00:00"})
        self.assertEqual((status, answer["result"], answer["field"]), (400, 40003, "kind"))

    def test_heartbeat_marks_devices_online(self):
        self.assertFalse(self.lot.online)
        status, answer = self.post("heartbeat", {"lot": "API-LOT", "devices": ["gate-in-1"]})
        self.assertEqual((status, answer["result"], answer["devices"]), (200, 0, ["gate-in-1"]))
        self.assertTrue(self.world["gate_in"].online)
        self.assertFalse(self.world["gate_out"].online)
        self.assertTrue(self.lot.online)

    def test_get_is_not_allowed(self):
        response = self.request("GET", self.base + "passages")
        self.assertEqual(response.status_code, 405)
