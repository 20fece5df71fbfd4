"""Fault tests (issue 14 item 2): load against real processes that the tests start themselves and
kill with SIGKILL — their own Mosquitto, Odoo server and bridges, on a copy of the test database.

tools/ep passes EP_PG_PORT and EP_TEST_DB (the template, ep_test); the processes listen on
EP_REL_MQTT_PORT (default 1897) and EP_REL_HTTP_PORT (default 8185). EP_RELIABILITY_FULL=1
(`tools/ep test --full`) runs the sizes of the issue instead of the ones that fit `make test`.
"""
import configparser
import os
import shutil
import sys
from pathlib import Path

import psycopg2
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "integration"))  # the shared process and MQTT helpers

from mqtt_helpers import (  # noqa: E402
    BridgeProcess,
    BrokerProcess,
    ServerProcess,
    device_factory,
    open_registry,
    transaction_factory,
    unique,
)

STATE = Path(os.environ.get("EP_STATE") or ROOT / ".state")
WORK = STATE / "reliability"  # broker files and logs of the last run
PG_PORT = os.environ.get("EP_PG_PORT", "5433")
MQTT_PORT = int(os.environ.get("EP_REL_MQTT_PORT", "1897"))
HTTP_PORT = int(os.environ.get("EP_REL_HTTP_PORT", "8185"))
TEMPLATE_DB = os.environ.get("EP_TEST_DB", "ep_test")
DATABASE = os.environ.get("EP_REL_DB", "ep_rel")


def odoo_conf():
    parser = configparser.ConfigParser()
    parser.read(ROOT / "odoo.conf")
    return parser


def _admin_connection(conf):
    connection = psycopg2.connect(host=conf["options"]["db_host"], port=PG_PORT, user=conf["options"]["db_user"],
                                  password=conf["options"]["db_password"], dbname="postgres")
    connection.autocommit = True
    return connection


@pytest.fixture(scope="session")
def database():
    """A copy of the test database (and its filestore), dropped after the run."""
    conf = odoo_conf()
    filestore = (ROOT / conf["options"]["data_dir"] / "filestore").resolve()
    connection = _admin_connection(conf)
    with connection.cursor() as cr:
        cr.execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % DATABASE)
        cr.execute('CREATE DATABASE "%s" TEMPLATE "%s"' % (DATABASE, TEMPLATE_DB))
    shutil.rmtree(filestore / DATABASE, ignore_errors=True)
    if (filestore / TEMPLATE_DB).is_dir():
        shutil.copytree(filestore / TEMPLATE_DB, filestore / DATABASE)
    yield DATABASE
    import odoo

    odoo.sql_db.close_db(DATABASE)
    with connection.cursor() as cr:
        cr.execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % DATABASE)
    connection.close()
    shutil.rmtree(filestore / DATABASE, ignore_errors=True)


@pytest.fixture(scope="session")
def broker():
    section = odoo_conf()["ep_device_bridge"]
    shutil.rmtree(WORK, ignore_errors=True)
    process = BrokerProcess(MQTT_PORT, WORK / "mosquitto", section["mqtt_username"], section["mqtt_password"])
    process.configure().start()
    # Device accounts the test process creates go into this broker's files, not the project's.
    overrides = {"EP_BRIDGE_PASSWORD_FILE": str(process.passwd), "EP_BRIDGE_BROKER_PID_FILE": str(process.pid_file)}
    saved = {key: os.environ.get(key) for key in overrides}
    os.environ.update(overrides)
    process.settings = {"host": "127.0.0.1", "port": MQTT_PORT, "username": section["mqtt_username"],
                        "password": section["mqtt_password"]}
    process.env = dict(overrides, EP_MQTT_PORT=str(MQTT_PORT))
    yield process
    process.stop()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def transaction(database, broker):
    return transaction_factory(open_registry(database, PG_PORT))


@pytest.fixture(scope="session")
def server(database, broker):
    process = ServerProcess(database, HTTP_PORT, PG_PORT, WORK / "log" / "odoo.log", env=broker.env)
    process.start()
    yield process
    process.stop()


@pytest.fixture
def bridges(database, broker):
    """Starts bridge processes on the copy, talking to this broker; stops them after the test."""
    started = []

    def start(instance=None, **options):
        env = dict(broker.env, **{"EP_BRIDGE_%s" % key.upper(): str(value) for key, value in options.items()})
        bridge = BridgeProcess(database, instance or unique("rel"), PG_PORT, env=env)
        bridge.log = WORK / "log" / ("bridge-%s.log" % bridge.instance)
        bridge.args[bridge.args.index("--logfile") + 1] = str(bridge.log)
        started.append(bridge.start())
        return bridge

    yield start
    for bridge in started:
        bridge.stop()


@pytest.fixture
def make_device(transaction, broker):
    """A device registered in the copy with an MQTT account on this broker, and a client playing it."""
    make = device_factory(transaction, broker.settings, timeout=20)
    yield make
    for client in make.clients:
        client.close()


def pytest_terminal_summary(terminalreporter):
    from faults import TIMINGS

    if TIMINGS:
        terminalreporter.section("reliability timings (information, not asserted)")
        for line in TIMINGS:
            terminalreporter.write_line(line)
