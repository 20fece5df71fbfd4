import unittest
import uuid
from unittest.mock import patch

import psycopg2

import odoo
from odoo import SUPERUSER_ID, api
from odoo.addons.ep_device_bridge.models.ep_device_event import EpDeviceEvent
from odoo.exceptions import AccessError, UserError
from odoo.tests.common import at_install, get_db_name, post_install
from odoo.tools import mute_logger

from .common import EpBridgeCase


def concurrent_update_handler(self, event):
    raise psycopg2.extensions.TransactionRollbackError("could not serialize access due to concurrent update")


def failing_handler(self, event):
    event.device_id.write({"vendor": "changed by the failing handler"})
    raise RuntimeError("handler bug")


class TestEvent(EpBridgeCase):

    def test_same_event_three_times_is_stored_once(self):
        row = self.event_row("e-1", "plate_seen")
        first = self.Event._ingest([row, row])
        self.assertEqual(len(first), 1)
        self.assertEqual(self.Event._ingest([row]), {})
        events = self.Event.search([("event_id", "=", "e-1")])
        self.assertEqual(len(events), 1)
        self.assertEqual((events.device_id, events.state), (self.gate, "ignored"))

    def test_same_event_id_on_another_device_is_another_event(self):
        self.Event._ingest([self.event_row("e-2"), self.event_row("e-2", device=self.camera)])
        self.assertEqual(self.Event.search_count([("event_id", "=", "e-2")]), 2)

    def test_unknown_device_is_kept(self):
        ids = self.Event._ingest([dict(self.event_row("e-3"), device_code="ghost")])
        self.assertFalse(self.Event.browse(list(ids)).device_id)

    def test_heartbeat_marks_device_online(self):
        ids = self.Event._ingest([self.event_row("hb-1")])
        self.assertEqual(list(ids.values()), ["received"])
        event = self.Event.browse(list(ids))
        event._dispatch()
        self.assertEqual(event.state, "done")
        self.assertTrue(self.gate.online)
        self.assertEqual(self.gate.last_seen, event.received_at)

    def test_failing_handler_fails_only_its_event_and_rolls_back_its_writes(self):
        handlers = {"heartbeat": ("ep.device.event", "_handle_heartbeat"),
                    "broken": ("ep.device.event", "_test_failing_handler")}
        ids = self.Event._ingest([self.event_row("b-1", "broken"), self.event_row("hb-2")])
        events = self.Event.browse(list(ids))
        with patch.object(EpDeviceEvent, "_get_event_handlers", lambda self: handlers), \
                patch.object(EpDeviceEvent, "_test_failing_handler", failing_handler, create=True), \
                mute_logger("odoo.addons.ep_device_bridge.models.ep_device_event"):
            events._dispatch()
            broken = events.filtered(lambda e: e.event_type == "broken")
            self.assertEqual(broken.state, "failed")
            self.assertIn("handler bug", broken.error)
            self.assertNotEqual(self.gate.vendor, "changed by the failing handler")
            self.assertEqual((events - broken).state, "done")
            # staff fix the cause and run it again
            handlers["broken"] = ("ep.device.event", "_handle_heartbeat")
            with self.assertRaises(AccessError):
                broken.sudo(self.device_user).action_rerun()
            broken.sudo(self.device_manager).action_rerun()
        self.assertEqual((broken.state, broken.attempts, broken.error), ("done", 2, False))

    def test_rerun_needs_a_processed_event(self):
        event = self.Event.browse(list(self.Event._ingest([self.event_row("hb-3")])))
        with self.assertRaises(UserError):
            event.action_rerun()

    def test_device_users_read_events(self):
        ids = self.Event._ingest([self.event_row("r-1", "plate_seen")])
        self.assertEqual(list(ids.values()), ["ignored"])
        self.assertEqual(self.Event.sudo(self.device_user).browse(list(ids)).event_type, "plate_seen")

    def test_claim_skips_processed_events(self):
        ids = list(self.Event._ingest([self.event_row("c-1"), self.event_row("c-2")]))
        self.Event.browse(ids[0])._dispatch()
        self.assertEqual(self.Event._claim_received(ids), self.Event.browse(ids[1:]))
        self.assertEqual(self.Event._claim_received([]), self.Event.browse())

    def test_concurrent_update_in_a_handler_leaves_the_event_to_retry(self):
        """Reliability run: a serialisation failure is no bug of the event; failing it would need staff."""
        handlers = {"busy": ("ep.device.event", "_test_busy_handler")}
        with patch.object(EpDeviceEvent, "_get_event_handlers", lambda self: handlers), \
                patch.object(EpDeviceEvent, "_test_busy_handler", concurrent_update_handler, create=True):
            event = self.Event.browse(list(self.Event._ingest([self.event_row("busy-1", "busy")])))
            with self.assertRaises(psycopg2.extensions.TransactionRollbackError):
                event._dispatch()
        self.assertEqual((event.state, event.attempts, event.error), ("received", 0, False))


@at_install(False)
@post_install(True)
class TestEventClaimAcrossBridges(unittest.TestCase):
    """Reliability run: a bridge that starts picks up the received events while the bridge that stored
    them dispatches them; each event's handler must run in one bridge only (committed cursors)."""

    def setUp(self):
        super().setUp()
        self.registry = odoo.registry(get_db_name())
        self.site = "CLAIM-%s" % uuid.uuid4().hex[:8]
        with api.Environment.manage(), self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.ids = list(env["ep.device.event"]._ingest([
                {"site_code": self.site, "device_code": "gate", "event_id": "e-%d" % n, "event_type": "heartbeat",
                 "device_ts": None, "payload": "{}"} for n in range(3)]))
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM ep_device_event WHERE site_code = %s", [self.site])

    def claim(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {})["ep.device.event"]._claim_received(self.ids)

    def test_a_claimed_event_is_not_claimed_twice(self):
        with api.Environment.manage(), self.registry.cursor() as first, self.registry.cursor() as second:
            mine = self.claim(first)
            self.assertEqual(sorted(mine.ids), sorted(self.ids))
            self.assertFalse(self.claim(second), "locked by the first bridge: skipped")
            second.rollback()
            mine._dispatch()
            first.commit()
            self.assertFalse(self.claim(second), "dispatched by the first bridge: not received any more")
            first.execute("SELECT state, attempts FROM ep_device_event WHERE id IN %s", [tuple(self.ids)])
            self.assertEqual(set(first.fetchall()), {("done", 1)})
