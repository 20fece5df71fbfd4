import re
import threading
from datetime import datetime, timedelta

import psycopg2
from psycopg2 import errorcodes

from odoo import SUPERUSER_ID, api, fields
from odoo.tests.common import HttpCase, SavepointCase, at_install, post_install
from odoo.tools import config

RETRYABLE = (errorcodes.SERIALIZATION_FAILURE, errorcodes.DEADLOCK_DETECTED)


def run_in_parallel(registry, work, count, describe_error=None, timeout=120):
    """Run ``work(env, index)`` in ``count`` threads released at once, each on its own committed cursor
    (as concurrent requests would), retrying serialisation failures as Odoo's request layer does.
    Returns the threads' results: what ``work`` returned once its transaction committed, else
    ``describe_error(exception)`` (default ``"error: ..."``) or ``"gave up"``."""
    describe_error = describe_error or (lambda exc: "error: %r" % exc)
    barrier = threading.Barrier(count)
    results = []

    def run(index):
        barrier.wait()
        for _attempt in range(50):
            try:
                with api.Environment.manage(), registry.cursor() as cr:
                    value = work(api.Environment(cr, SUPERUSER_ID, {}), index)
                results.append(value)  # committed: the cursor's block ended without error
                return
            except psycopg2.OperationalError as exc:
                if exc.pgcode not in RETRYABLE:
                    results.append(describe_error(exc))
                    return
            except Exception as exc:  # noqa: BLE001 -- reported as the thread's result
                results.append(describe_error(exc))
                return
        results.append("gave up")

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return results


@at_install(False)
@post_install(True)
class EpParkingCase(SavepointCase):
    """Shared fixtures: a small region tree and one user per EP role."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_create_nolog=True,
                                       no_reset_password=True))
        Region = cls.env["ep.parking.region"]
        cls.company_node = Region.create({"name": "Test Co", "code": "T", "kind": "company"})
        cls.region_node = Region.create({"name": "North", "code": "T-N", "kind": "region",
                                         "parent_id": cls.company_node.id})
        cls.division_node = Region.create({"name": "Beijing", "code": "T-N-BJ", "kind": "division",
                                           "parent_id": cls.region_node.id})
        cls.users = {role: cls._create_user(role) for role in
                     ("operator", "lot_staff", "finance", "manager", "admin")}
        cls.plain_user = cls.env["res.users"].create({
            "name": "Plain", "login": "ep_test_plain", "email": "plain@example.com",
            "groups_id": [(6, 0, [cls.env.ref("base.group_user").id])],
        })

    @classmethod
    def _create_user(cls, role, **vals):
        values = {
            "name": "EP %s" % role, "login": "ep_test_%s" % role, "email": "%s@example.com" % role,
            "groups_id": [(6, 0, [cls.env.ref("ep_parking.group_%s" % role).id])],
        }
        values.update(vals)
        return cls.env["res.users"].create(values)

    @classmethod
    def _create_lot(cls, code, region=None, **vals):
        values = {"name": "Lot %s" % code, "code": code, "region_id": (region or cls.division_node).id}
        values.update(vals)
        return cls.env["ep.parking.lot"].create(values)

    @classmethod
    def _create_device(cls, lot, code, kind="gate", **vals):
        values = {"name": "%s %s" % (lot.code, code), "code": code, "lot_id": lot.id, "kind": kind,
                  "mqtt_username": "%s.%s" % (lot.code.lower(), code)}
        values.update(vals)
        return cls.env["ep.device"].create(values)


def make_vendor_lot(env, division, code="T-LOT-1", token="test-vendor-token-0123456789"):
    """A local vendor with an API token, and an operating-ready lot it serves with a local
    server and two gates. Returns a dict of them."""
    vendor = env["ep.parking.vendor"].create({"name": "Vendor %s" % code, "code": "v-%s" % code, "kind": "local"})
    vendor.set_api_token(token)
    lot = env["ep.parking.lot"].create(
        {"name": "Lot %s" % code, "code": code, "region_id": division.id, "vendor_local_id": vendor.id})
    Device = env["ep.device"]
    devices = {}
    for key, device_code, kind, direction in (("server", "server-1", "local_server", False),
                                              ("gate_in", "gate-in-1", "gate", "in"),
                                              ("gate_out", "gate-out-1", "gate", "out")):
        devices[key] = Device.create({
            "name": "%s %s" % (code, device_code), "code": device_code, "lot_id": lot.id, "kind": kind,
            "direction": direction, "mqtt_username": "%s.%s" % (code.lower(), device_code)})
    return dict(devices, vendor=vendor, vendor_token=token, lot=lot)


def ago(**delta):
    """A stored (UTC) datetime string ``delta`` before now."""
    return fields.Datetime.to_string(datetime.utcnow() - timedelta(**delta))


def make_division(env, code):
    """A company → region → division branch of the region tree; returns the division."""
    Region = env["ep.parking.region"]
    company = Region.create({"name": "Co %s" % code, "code": code, "kind": "company"})
    region = Region.create({"name": "R %s" % code, "code": "%s-R" % code, "kind": "region", "parent_id": company.id})
    return Region.create({"name": "D %s" % code, "code": "%s-D" % code, "kind": "division", "parent_id": region.id})


def setup_payments(env, lot, channels=("wechat", "cash", "full_deduction", "unionpay_nosense", "ipos")):
    """Publish the seed's per-hour tariff on ``lot`` (§2.3.7 B: free 30 min, 3 h for 5, +1 per started
    hour, at most 10 a cycle) and let it take ``channels`` (xml ids ``payment_method_<key>``) online.
    Returns the channels by key."""
    env["ep.parking.tariff"].create({
        "name": "Seed", "lot_id": lot.id, "model": "per_hour", "free_minutes": 30, "cycle": "24h",
        "first_minutes": 180, "first_amount": 5, "unit_minutes": 60, "unit_amount": 1, "max_amount": 10,
    }).action_publish()
    records = {key: env.ref("ep_parking.payment_method_%s" % key) for key in channels}
    lot.write({"payment_method_ids": [(6, 0, [c.id for c in records.values()])], "online_payment": True,
               "scan_to_pay": True, "full_deduction": True, "grace_minutes": 10})
    return records


class EpParkingLotCase(EpParkingCase):
    """Adds a vendor, a lot with a local server and two gates, and a second division with
    its own lot that staff of the first do not see."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for key, value in make_vendor_lot(cls.env, cls.division_node).items():
            setattr(cls, key, value)
        cls.other_division = cls.env["ep.parking.region"].create(
            {"name": "Tianjin", "code": "T-N-TJ", "kind": "division", "parent_id": cls.region_node.id})
        cls.other_lot = cls._create_lot("T-LOT-2", region=cls.other_division)
        for role in ("operator", "lot_staff", "finance"):
            cls.users[role].ep_region_ids = cls.division_node


@at_install(False)
@post_install(True)
class EpHttpCase(HttpCase):
    """HttpCase whose ``self.env`` works on the cursor the HTTP requests use.

    On Odoo 11 requests in test mode run on the registry's test cursor while a
    TransactionCase's ``self.env`` has its own, so records made in the test would be
    invisible to the server. Here the test uses the test cursor too, without holding its
    lock (requests are synchronous: the test waits for each answer). ``request()`` and
    ``url_open()`` save the test's work first (a savepoint of the test cursor) and drop
    the ORM cache after. Everything is rolled back when the test ends.
    """

    def setUp(self):
        super().setUp()
        test_cr = self.registry.cursor()  # acquires the test cursor's lock...
        test_cr.release()  # ...that each request takes in turn
        self.addCleanup(setattr, self, "cr", self.cr)  # the base class closes its own cursor
        self.cr = test_cr
        self.env = self.env(cr=test_cr)

    def request(self, method, url, **kwargs):
        # TestCursor.commit() only moves its savepoint: a request that rolls back keeps the fixtures.
        self.cr.commit()  # pylint: disable=invalid-commit
        kwargs.setdefault("timeout", 30)
        try:
            return self.opener.request(method, url, **kwargs)
        finally:
            self.env["res.users"].invalidate_cache()  # every model: the request wrote through its own env

    def url(self, path):
        return "http://127.0.0.1:%s%s" % (config["http_port"], path)

    def open(self, path, expect=200):
        """GET ``path`` of the test server, asserting the status."""
        response = self.request("GET", self.url(path))
        self.assertEqual(response.status_code, expect, response.text[:2000])
        return response

    def post(self, page, path, expect=200, files=None, **data):
        """POST a form to ``path`` with the CSRF token of ``page`` (a response), asserting the status."""
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = self.request("POST", self.url(path), data=dict(data, csrf_token=token), files=files)
        self.assertEqual(response.status_code, expect, response.text[:2000])
        return response

    def url_open(self, url, data=None, timeout=30):
        if url.startswith("/"):
            url = "http://127.0.0.1:%s%s" % (config["http_port"], url)
        return self.request("POST" if data is not None else "GET", url, data=data, timeout=timeout)
