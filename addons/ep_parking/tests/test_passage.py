import json

from ..lib import vendor_api
from .common import EpParkingLotCase


class TestPassage(EpParkingLotCase):

    def values(self, event_id, direction, time, plate="粤B12345", **over):
        values = {"event_id": event_id, "lot": self.lot.code, "plate": plate, "direction": direction,
                  "gate": "gate-%s-1" % direction, "time": time, "vehicle_kind": "temp"}
        values.update(over)
        return values

    def ingest(self, *args, **kwargs):
        return self.env["ep.parking.passage"]._ingest_vendor(
            self.lot, vendor_api.parse_passage(self.values(*args, **kwargs)), "http", self.vendor)

    def test_exit_closes_the_open_entry(self):
        entry, created = self.ingest("e1", "in", "2024-05-01 08:00:00")
        self.assertTrue(created)
        self.assertEqual((entry.state, entry.gate_id), ("in_lot", self.gate_in))
        self.assertEqual(entry.passage_time, "2024-05-01 00:00:00")  # stored in UTC
        exit_, _created = self.ingest("e2", "out", "2024-05-01 10:30:00", amount_due="12.00", amount_paid="12.00",
                                      paid_online=True, order_ref="WX1")
        self.assertEqual(exit_.entry_id, entry)
        self.assertEqual((entry.state, exit_.state), ("left", "exit"))
        self.assertEqual(exit_.duration_minutes, 150)
        self.assertEqual(exit_.payment_kind, "online")
        self.assertEqual(exit_.amount_paid, 12.0)

    def test_exit_without_entry_is_kept_and_flagged(self):
        exit_, created = self.ingest("e3", "out", "2024-05-01 10:30:00", amount_due="5", amount_paid="5")
        self.assertTrue(created)
        self.assertEqual(exit_.state, "unmatched")
        self.assertEqual(exit_.payment_kind, "offline")
        # the entry reported late still pairs with it
        entry, _created = self.ingest("e4", "in", "2024-05-01 09:00:00")
        self.assertEqual(entry.exit_id, exit_)
        self.assertEqual(exit_.state, "exit")

    def test_an_exit_takes_the_latest_open_entry_only(self):
        old, _c = self.ingest("e5", "in", "2024-05-01 08:00:00")
        self.ingest("e6", "out", "2024-05-01 09:00:00")
        new, _c = self.ingest("e7", "in", "2024-05-01 12:00:00")
        self.assertEqual(old.state, "left")
        self.assertEqual(new.state, "in_lot")
        other_plate, _c = self.ingest("e8", "out", "2024-05-01 13:00:00", plate="粤B99999")
        self.assertEqual(other_plate.state, "unmatched")
        self.assertEqual(new.state, "in_lot")

    def test_duplicate_event_ids_are_stored_once(self):
        first, created = self.ingest("dup", "in", "2024-05-01 08:00:00")
        again, created_again = self.ingest("dup", "in", "2024-05-01 08:05:00", plate="粤B99999")
        self.assertTrue(created)
        self.assertFalse(created_again)
        self.assertEqual(first, again)
        self.assertEqual(again.plate, "粤B12345")
        self.assertEqual(self.env["ep.parking.passage"].search_count([("event_ref", "=", "dup")]), 1)

    def test_free_exit_has_no_colour(self):
        exit_, _c = self.ingest("e9", "out", "2024-05-01 10:30:00")
        self.assertFalse(exit_.payment_kind)


class TestPassageEvents(EpParkingLotCase):
    """The MQTT door: the bridge stores events; the handlers registered here turn them into records."""

    def event(self, event_id, event_type, body, device=None):
        device = device or self.gate_in
        Event = self.env["ep.device.event"]
        ids = Event._ingest([{"site_code": device.site_code, "device_code": device.code, "event_id": event_id,
                              "event_type": event_type, "payload": json.dumps(body, ensure_ascii=False)}])
        events = Event.browse(list(ids))
        events._dispatch()
        return events

    def test_entry_and_exit_events(self):
        entry_event = self.event("m1", "entry", {"plate": "粤B12345", "time": "2024-05-01T08:00:00+08:00"})
        self.assertEqual(entry_event.state, "done", entry_event.error)
        entry = self.env["ep.parking.passage"].search([("event_ref", "=", "m1")])
        self.assertEqual((entry.direction, entry.source, entry.gate_id), ("in", "mqtt", self.gate_in))
        exit_event = self.event("m2", "exit", {"plate": "粤B12345", "time": "2024-05-01T09:00:00+08:00",
                                               "amount_due": "3.00", "amount_paid": "3.00"}, device=self.gate_out)
        self.assertEqual(exit_event.state, "done", exit_event.error)
        self.assertEqual(entry.state, "left")
        # the same event again is not even stored twice
        self.assertFalse(self.event("m2", "exit", {"plate": "粤B12345", "time": "2024-05-01T09:00:00+08:00"},
                                    device=self.gate_out))

    def test_bad_event_fails_with_a_reason_and_writes_nothing(self):
        event = self.event("m3", "entry", {"plate": "XYZ", "time": "2024-05-01T08:00:00+08:00"})
        self.assertEqual(event.state, "failed")
        self.assertIn("not a valid licence plate", event.error)
        self.assertFalse(self.env["ep.parking.passage"].search([("event_ref", "=", "m3")]))

    def test_abnormal_opening_event(self):
        event = self.event("m4", "abnormal_opening", {"kind": "remote", "time": "2024-05-01T08:00:00+08:00",
                                                      "reason": "guard"}, device=self.gate_out)
        self.assertEqual(event.state, "done", event.error)
        opening = self.env["ep.parking.abnormal.opening"].search([("event_ref", "=", "m4")])
        self.assertEqual((opening.kind, opening.gate_id, opening.direction), ("remote", self.gate_out, "out"))
