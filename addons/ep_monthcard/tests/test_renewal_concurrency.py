"""Issue 14 item 3: the gateway's notification of one month-card renewal, replayed by 20 requests
at once (each on its own committed cursor, as concurrent HTTP requests would be, retrying
serialisation failures as Odoo's RPC layer does) — one renewal done, one journal entry, the card
extended once."""
import random
import unittest

import odoo
from odoo import SUPERUSER_ID, api
from odoo.addons.ep_monthcard.tests.common import card_with_paid_renewal
from odoo.addons.ep_parking.tests.common import run_in_parallel
from odoo.tests.common import at_install, get_db_name, post_install

THREADS = 20


@at_install(False)
@post_install(True)
class TestRenewalNotificationsUnderConcurrency(unittest.TestCase):

    def setUp(self):
        super().setUp()
        self.registry = odoo.registry(get_db_name())
        with api.Environment.manage(), self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            rule = env.ref("ep_monthcard.monthcard_rule_sz001_ground_demo")
            card, renewal, self.payload = card_with_paid_renewal(rule, "粤B7C%03d" % random.randrange(1000),
                                                                 "T-CONC-%d" % random.randrange(10 ** 9))
            order = renewal.order_id
            self.ids = {"card": card.id, "renewal": renewal.id, "order": order.id, "end": card.date_end,
                        "name": order.name}
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        """Remove what the threads committed (posted entries cannot be cancelled: plain SQL)."""
        with self.registry.cursor() as cr:
            order_id = self.ids["order"]
            cr.execute("SELECT array_agg(id) FROM account_move WHERE ref = %s", [self.ids["name"]])
            moves = cr.fetchone()[0] or [0]
            cr.execute("DELETE FROM ep_parking_test_payment WHERE order_id = %s", [order_id])
            cr.execute("DELETE FROM ep_monthcard_renewal WHERE id = %s", [self.ids["renewal"]])
            cr.execute("DELETE FROM ep_parking_order WHERE id = %s", [order_id])
            cr.execute("DELETE FROM account_analytic_line WHERE move_id IN "
                       "(SELECT id FROM account_move_line WHERE move_id = ANY(%s))", [moves])
            cr.execute("DELETE FROM account_move_line WHERE move_id = ANY(%s)", [moves])
            cr.execute("DELETE FROM account_move WHERE id = ANY(%s)", [moves])
            cr.execute("DELETE FROM ep_device_command WHERE origin_model = 'ep.monthcard' AND origin_id = %s",
                       [self.ids["card"]])
            cr.execute("DELETE FROM ep_monthcard WHERE id = %s", [self.ids["card"]])

    def test_replayed_notifications_renew_once(self):
        def notify(env, _index):
            return env["ep.parking.order"]._process_notification("test", self.payload).state

        results = run_in_parallel(self.registry, notify, THREADS)
        self.assertEqual(results, ["paid"] * THREADS)
        with api.Environment.manage(), self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            order = env["ep.parking.order"].browse(self.ids["order"])
            renewal = env["ep.monthcard.renewal"].browse(self.ids["renewal"])
            card = env["ep.monthcard"].browse(self.ids["card"])
            self.assertEqual((order.state, renewal.state), ("paid", "done"))
            self.assertEqual(env["account.move"].search_count([("ref", "=", order.name)]), 1)
            self.assertEqual(card.date_end, renewal.date_to, "extended once, to the renewal's end")
            self.assertGreater(card.date_end, self.ids["end"])
            self.assertEqual(env["ep.monthcard.renewal"].search_count(
                [("card_id", "=", card.id), ("state", "=", "done")]), 1)
