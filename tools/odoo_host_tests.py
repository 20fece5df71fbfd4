"""Run Odoo's own tests of some modules on an existing database: MODULES ODOO-SERVER-ARGS...

    .venv/bin/python tools/odoo_host_tests.py base,account -c odoo.conf -d DB --test-enable \
        --stop-after-init --http-port PORT --log-level=test --logfile LOG

Odoo 11 has no --test-tags: it runs a module's at_install tests only while it installs or
updates that module, when the registry holds just the module and its dependencies (our
addons, loaded later, would not take part), and `-u base` would update and test every
installed module. Here the database is loaded as it is, nothing is installed, updated or
reloaded, and the at_install then the post_install tests of each module in MODULES run in
the full registry: with every installed addon's models, overrides, record rules and data,
as a user of that database would meet them. The HTTP server runs (HttpCase tests need it),
the log is the usual Odoo test log (tools/odoo_test_report.py reads it), and the exit code
is non-zero when any test failed. The website is opened once before the tests (warm_up).
"""
import logging
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "runtime"))
os.chdir(ROOT)  # odoo.conf's paths are relative to the repository root

import odoo_py311  # noqa: E402,F401  (must come before odoo)

# isort: split
import requests  # noqa: E402

import odoo  # noqa: E402
from odoo.modules import module as odoo_module  # noqa: E402
from odoo.service import server  # noqa: E402
from odoo.tools import config  # noqa: E402

_logger = logging.getLogger("odoo.tests.host")


def warm_up(dbname):
    """Open the website once as a visitor and once as admin: the first request builds the routing map
    and compiles the asset bundles (lessc), which on a busy machine outlasts the 10 seconds Odoo's
    website crawler tests give each request; they would fail or pass by chance."""
    started = time.time()
    url = "http://127.0.0.1:%s" % config["http_port"]
    session = requests.Session()
    try:
        session.get(url + "/", timeout=600)
        session.post(url + "/web/session/authenticate", timeout=600, json={
            "params": {"db": dbname, "login": "admin", "password": "admin"}})
        session.get(url + "/", timeout=600)
    except requests.RequestException as exc:  # the tests will say what is wrong
        _logger.warning("warming up the website failed: %s", exc)
    _logger.info("website warmed up in %.1fs", time.time() - started)


def tests_of(modules):
    """server.preload_registries' replacement: load each database, then test MODULES in it."""
    def preload_registries(dbnames):
        failed = 0
        for dbname in dbnames or []:
            registry = odoo.registry(dbname)  # loads the installed modules, updates none
            warm_up(dbname)
            with odoo.api.Environment.manage():
                for name in modules:
                    for position in (odoo_module.runs_at_install, odoo_module.runs_post_install):
                        with registry.cursor() as cr:  # as Odoo does before at_install tests
                            odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})["ir.http"]._clear_routing_map()
                        if not odoo_module.run_unit_tests(name, dbname, position=position):
                            failed = 1
        return failed
    return preload_registries


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1].startswith("-"):
        sys.exit(__doc__)
    server.preload_registries = tests_of(sys.argv[1].split(","))
    sys.argv[1:2] = []
    odoo.cli.main()
