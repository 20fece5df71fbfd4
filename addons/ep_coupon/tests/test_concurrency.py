import unittest

import odoo
from odoo import SUPERUSER_ID, api
from odoo.addons.ep_parking.tests.common import run_in_parallel
from odoo.exceptions import UserError
from odoo.tests.common import at_install, get_db_name, post_install

THREADS = 50  # issue 14: 50 issuers at once against one limit
LIMIT = 5
PLATE = "粤B77C01"


@at_install(False)
@post_install(True)
class TestIssueLimitUnderConcurrency(unittest.TestCase):
    """§2.4.1 6: a limit is never exceeded when many issuers press "issue" at once. Each thread
    issues on its own committed cursor (as concurrent HTTP requests would), retrying serialisation
    failures as Odoo's RPC layer does; what they committed is removed afterwards."""

    def setUp(self):
        super().setUp()
        self.registry = odoo.registry(get_db_name())
        with api.Environment.manage(), self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            lot = env.ref("ep_parking.lot_sz001_demo")
            coupon_type = env["ep.coupon.type"].create({"name": "Concurrency 5", "lot_id": lot.id, "face_value": 5})
            merchant = env["ep.coupon.merchant"].create({"name": "Concurrency", "phone": "13600000000",
                                                         "lot_id": lot.id, "kind": "fixed"})
            merchant.write({"state": "active"})
            env["ep.coupon.limit"].create({"merchant_id": merchant.id, "kind": "issue", "period": "day",
                                           "count": LIMIT})
            env["ep.coupon.batch"].create({"merchant_id": merchant.id, "type_id": coupon_type.id,
                                           "count": THREADS, "source": "allocation"}).action_confirm()
            entry = env["ep.parking.passage"].create({"lot_id": lot.id, "plate": PLATE, "direction": "in",
                                                      "passage_time": odoo.fields.Datetime.now(),
                                                      "event_ref": "concurrency-%s" % PLATE})
            self.ids = {"merchant": merchant.id, "type": coupon_type.id, "entry": entry.id}
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            merchant, type_id, entry = self.ids["merchant"], self.ids["type"], self.ids["entry"]
            cr.execute("DELETE FROM ep_coupon WHERE merchant_id = %s", [merchant])
            cr.execute("DELETE FROM ep_coupon_batch WHERE merchant_id = %s", [merchant])
            cr.execute("DELETE FROM ep_coupon_limit WHERE merchant_id = %s", [merchant])
            cr.execute("DELETE FROM ep_coupon_merchant WHERE id = %s", [merchant])
            cr.execute("DELETE FROM ep_coupon_type WHERE id = %s", [type_id])
            cr.execute("DELETE FROM ep_parking_passage WHERE id = %s", [entry])

    def test_parallel_issues_never_exceed_the_limit(self):
        def issue(env, _index):
            env["ep.coupon.merchant"].browse(self.ids["merchant"])._issue_coupon(PLATE)
            return "issued"

        def refused(exc):
            return "refused" if isinstance(exc, UserError) and "limit" in str(exc) else "error: %r" % exc

        results = run_in_parallel(self.registry, issue, THREADS, describe_error=refused)
        self.assertEqual(sorted(set(results)), ["issued", "refused"], results)
        self.assertEqual(results.count("issued"), LIMIT)
        with self.registry.cursor() as cr:
            cr.execute("SELECT count(*) FROM ep_coupon WHERE merchant_id = %s AND state = 'claimed'",
                       [self.ids["merchant"]])
            self.assertEqual(cr.fetchone()[0], LIMIT)
