"""Issue 14 item 3: exits of one car reported at once (each on its own committed cursor, as
concurrent vendor requests would be, retrying serialisation failures as Odoo's request layer
does) — the entry pairs with one exit only; the others stay unmatched for the staff."""
import random
import unittest
from datetime import timedelta

import odoo
from odoo import SUPERUSER_ID, api, fields
from odoo.tests.common import at_install, get_db_name, post_install

from .common import run_in_parallel

THREADS = 10


@at_install(False)
@post_install(True)
class TestParallelExits(unittest.TestCase):

    def setUp(self):
        super().setUp()
        self.registry = odoo.registry(get_db_name())
        self.plate = "粤B8X%03d" % random.randrange(1000)
        self.ref = "par-exit-%s" % random.randrange(10 ** 9)
        with api.Environment.manage(), self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            lot = env.ref("ep_parking.lot_sz001_demo")
            entry = env["ep.parking.passage"].create({
                "lot_id": lot.id, "plate": self.plate, "direction": "in", "event_ref": self.ref + "-in",
                "passage_time": fields.Datetime.to_string(fields.Datetime.from_string(fields.Datetime.now())
                                                          - timedelta(minutes=20))})
            self.ids = {"lot": lot.id, "entry": entry.id}
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM ep_parking_order WHERE entry_passage_id IN "
                       "(SELECT id FROM ep_parking_passage WHERE event_ref LIKE %s)", [self.ref + "%"])
            cr.execute("UPDATE ep_parking_passage SET entry_id = NULL, exit_id = NULL WHERE event_ref LIKE %s",
                       [self.ref + "%"])
            cr.execute("DELETE FROM ep_parking_passage WHERE event_ref LIKE %s", [self.ref + "%"])

    def test_one_entry_pairs_with_one_exit(self):
        def leave(env, index):
            passage = env["ep.parking.passage"].create({
                "lot_id": self.ids["lot"], "plate": self.plate, "direction": "out",
                "event_ref": "%s-out-%d" % (self.ref, index), "passage_time": fields.Datetime.now()})
            return "matched" if passage.entry_id else "unmatched"

        results = run_in_parallel(self.registry, leave, THREADS)
        self.assertEqual(sorted(results), ["matched"] + ["unmatched"] * (THREADS - 1), results)
        with self.registry.cursor() as cr:
            cr.execute("SELECT COUNT(*) FROM ep_parking_passage WHERE entry_id = %s", [self.ids["entry"]])
            self.assertEqual(cr.fetchone()[0], 1, "one exit points at the entry")
            cr.execute("SELECT p.entry_id FROM ep_parking_passage e JOIN ep_parking_passage p ON p.id = e.exit_id "
                       "WHERE e.id = %s", [self.ids["entry"]])
            self.assertEqual(cr.fetchone()[0], self.ids["entry"], "the entry's exit is that exit")
