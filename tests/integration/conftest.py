"""Integration tests against the real server, PostgreSQL and Mosquitto that tools/ep started.

tools/ep passes where they are: EP_TEST_URL, EP_TEST_DB, EP_MQTT_PORT, EP_SERVER_PID.
"""
import configparser
import json
import os
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def odoo_conf():
    parser = configparser.ConfigParser()
    parser.read(ROOT / "odoo.conf")
    return parser


@pytest.fixture(scope="session")
def server_url():
    url = os.environ.get("EP_TEST_URL", "http://127.0.0.1:8169")
    pid = int(os.environ.get("EP_SERVER_PID", "0"))
    deadline = time.monotonic() + 180
    while True:
        try:
            with urllib.request.urlopen(url + "/web/login", timeout=10) as response:
                if response.status == 200:
                    return url
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if pid:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                pytest.fail("the Odoo server exited before serving /web/login; see .state/log")
        if time.monotonic() > deadline:
            pytest.fail("the Odoo server did not serve %s/web/login within 180 s" % url)
        time.sleep(0.5)


@pytest.fixture(scope="session")
def database():
    return os.environ.get("EP_TEST_DB", "ep_test")


@pytest.fixture(scope="session")
def broker():
    section = odoo_conf()["ep_device_bridge"]
    return {
        "host": section.get("mqtt_host", "127.0.0.1"),
        "port": int(os.environ.get("EP_MQTT_PORT") or section.get("mqtt_port")),
        "username": section.get("mqtt_username"),
        "password": section.get("mqtt_password"),
    }


class JsonRpc:
    """A logged-in JSON-RPC session, as the web client uses."""

    def __init__(self, url):
        self.url = url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())

    def call(self, path, **params):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params, "id": 1}).encode()
        request = urllib.request.Request(self.url + path, body, {"Content-Type": "application/json"})
        with self.opener.open(request, timeout=60) as response:
            answer = json.loads(response.read())
        if "error" in answer:
            raise RuntimeError(answer["error"]["data"]["message"])
        return answer["result"]

    def login(self, db, login, password):
        return self.call("/web/session/authenticate", db=db, login=login, password=password)

    def call_kw(self, model, method, args, kwargs=None):
        return self.call("/web/dataset/call_kw", model=model, method=method, args=args, kwargs=kwargs or {})


@pytest.fixture
def rpc(server_url):
    return JsonRpc(server_url)


# ---------------------------------------------------------------- Odoo in this process
@pytest.fixture(scope="session")
def odoo_registry(database):
    """The test database's registry, loaded in the pytest process (runtime/ on PYTHONPATH)."""
    from mqtt_helpers import open_registry

    return open_registry(database, os.environ.get("EP_PG_PORT", "5433"))


@pytest.fixture(scope="session")
def transaction(odoo_registry):
    """``with transaction() as env:`` commits on success; ``transaction(commit=False)`` rolls back."""
    from mqtt_helpers import transaction_factory

    return transaction_factory(odoo_registry)


@pytest.fixture
def make_device(transaction, broker):
    """Registers a device with an MQTT account in Odoo and connects a client playing it."""
    from mqtt_helpers import device_factory

    make = device_factory(transaction, broker)
    yield make
    for client in make.clients:
        client.close()


@pytest.fixture
def bridges(database):
    """Starts bridge processes on the test database; stops them gracefully after the test."""
    from mqtt_helpers import BridgeProcess, unique

    started = []

    def start(instance=None, **env):
        bridge = BridgeProcess(database, instance or unique("it"), os.environ.get("EP_PG_PORT", "5433"),
                               env={"EP_BRIDGE_%s" % key.upper(): str(value) for key, value in env.items()})
        started.append(bridge.start())
        return bridge

    yield start
    for bridge in started:
        bridge.stop()
