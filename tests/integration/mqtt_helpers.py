"""Real MQTT and process helpers for the integration and reliability tests: a device client (paho,
MQTT 5, persistent session), bridge, broker and server processes started like `make run` starts them,
and transactions on a database from the test process."""
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
LOGS = ROOT / ".state" / "log" / "bridge-tests"  # one log per bridge instance of the last run


def wait_until(predicate, timeout=30.0, interval=0.1, message="condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out after %.0f s waiting for %s" % (timeout, message))
        time.sleep(interval)


class DeviceClient:
    """Plays a field device: receives its commands, acks them, publishes events."""

    def __init__(self, broker, site, code, password, auto_ack=True, ack_delay=0.0, clean=False):
        self.site, self.code, self.auto_ack, self.ack_delay = site, code, auto_ack, ack_delay
        self.commands = []  # every command payload received, duplicates included
        self.receipts = set()  # ids of our events the bridge says are stored
        self.lock = threading.Lock()
        self.connected = threading.Event()
        self.connect_reasons = queue.Queue()
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="dev-%s-%s" % (site, code),
                                  protocol=mqtt.MQTTv5)
        self.client.username_pw_set(code, password)
        self.client.will_set(self.topic("status"), "offline", qos=1, retain=True)
        self.client.reconnect_delay_set(0.2, 2)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = lambda *args: self.connected.clear()
        self.client.on_message = self._on_message
        self.publish_results = {}  # mid -> the broker's PUBACK reason code (MQTT 5)
        self.client.on_publish = lambda c, u, mid, reason, props: self.publish_results.__setitem__(mid, reason)
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = 3600
        self.client.connect(broker["host"], broker["port"], keepalive=10, clean_start=clean,
                            properties=properties)
        self.client.loop_start()
        reason = self.connect_reasons.get(timeout=10)
        if reason.is_failure:
            self.client.loop_stop()
            raise ConnectionRefusedError(str(reason))
        assert self.connected.wait(10)

    def topic(self, channel, code=None):
        return "ep/%s/%s/%s" % (self.site, code or self.code, channel)

    def _on_connect(self, client, userdata, flags, reason, properties):
        self.connect_reasons.put(reason)
        if not reason.is_failure:
            client.subscribe([(self.topic("cmd"), 1), (self.topic("receipt"), 1)])
            client.publish(self.topic("status"), "online", qos=1, retain=True)
            self.connected.set()

    def _on_message(self, client, userdata, message):
        body = json.loads(message.payload)
        if message.topic.endswith("/receipt"):
            with self.lock:
                self.receipts.update(body["event_ids"])
            return
        with self.lock:
            self.commands.append(body)
        if self.auto_ack:
            if self.ack_delay:
                time.sleep(self.ack_delay)
            self.ack(body["id"])

    def ack(self, command_id, result=0, message="done", data=None):
        payload = {"id": command_id, "result": result, "message": message, "data": data or {}}
        return self.client.publish(self.topic("ack"), json.dumps(payload), qos=1)

    def received_ids(self):
        with self.lock:
            return [body["id"] for body in self.commands]

    def event(self, event_id, event_type="heartbeat", code=None, **fields):
        payload = dict(fields, event_id=event_id, type=event_type)
        info = self.client.publish(self.topic("event", code), json.dumps(payload), qos=1)
        return info

    def vanish(self):
        """Disconnect so that the broker publishes our will (offline)."""
        self.client.disconnect(reasoncode=mqtt.ReasonCode(PacketTypes.DISCONNECT, "Disconnect with will message"))
        self.client.loop_stop()

    def close(self):
        self.client.disconnect()
        self.client.loop_stop()


class ChildProcess:
    """A process a test starts (``self.process``) and may SIGKILL, or stop gracefully."""

    process = None

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


# a bridge is ready once it receives (subscribed in the inbound session) or stands by for another
READY = re.compile(r"bridge \S+ (receives for|stands by)")


class BridgeProcess(ChildProcess):
    """`odoo-bin ep-bridge` as tools/ep starts it."""

    def __init__(self, database, instance, pg_port, env=None):
        self.instance = instance
        self.log = LOGS / ("%s.log" % instance)
        self.args = [PYTHON, str(ROOT / "bin" / "odoo-bin"), "--addons-path=%s" % addons_path(), "ep-bridge",
                     "-c", str(ROOT / "odoo.conf"), "--db_port", str(pg_port), "-d", database,
                     "--instance", instance, "--logfile", str(self.log),
                     "--log-handler=odoo.addons.ep_device_bridge.bridge:DEBUG"]
        self.env = dict(os.environ, **(env or {}))
        self.env.pop("PYTHONPATH", None)
        self.process = None

    def start(self):
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.log.write_text("")
        self.process = subprocess.Popen(self.args, cwd=str(ROOT), env=self.env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: READY.search(self.log.read_text()) or self.process.poll() is not None,
                   timeout=60, message="bridge %s to start" % self.instance)
        assert self.process.poll() is None, "bridge %s exited; see %s" % (self.instance, self.log)
        return self


class BrokerProcess(ChildProcess):
    """A Mosquitto of its own (configured as tools/ep configures the project's), in the foreground
    so that a test can SIGKILL it; its persistence directory survives restarts."""

    def __init__(self, port, directory, bridge_user, bridge_password):
        self.port, self.directory = int(port), Path(directory)
        self.bridge_user, self.bridge_password = bridge_user, bridge_password
        self.passwd = self.directory / "passwd"
        self.pid_file = self.directory / "mosquitto.pid"
        self.process = None

    def configure(self):
        (self.directory / "data").mkdir(parents=True, exist_ok=True)
        (self.directory / "log").mkdir(exist_ok=True)
        config = (ROOT / "config" / "mosquitto.conf.in").read_text()
        config = config.replace("@PORT@", str(self.port)).replace("@DIR@", str(self.directory))
        (self.directory / "mosquitto.conf").write_text(config)
        acl = (ROOT / "config" / "mosquitto.acl.in").read_text().replace("@BRIDGE_USER@", self.bridge_user)
        (self.directory / "acl").write_text(acl)
        self.passwd.touch()
        subprocess.run(["mosquitto_passwd", "-b", str(self.passwd), self.bridge_user, self.bridge_password],
                       check=True)
        self.passwd.chmod(0o700)
        if os.getuid() == 0:  # as tools/ep: the broker drops to the mosquitto user, which must own its files
            shutil.chown(self.directory, "mosquitto", "mosquitto")
            for path in self.directory.rglob("*"):
                shutil.chown(path, "mosquitto", "mosquitto")
        return self

    def start(self):
        assert port_free(self.port), "port %d is taken by another program: set EP_REL_MQTT_PORT" % self.port
        command = ["mosquitto", "-c", str(self.directory / "mosquitto.conf")]
        if os.getuid() == 0:
            command = ["setpriv", "--reuid=mosquitto", "--regid=mosquitto", "--init-groups"] + command
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: self._accepts() or self.process.poll() is not None, timeout=30,
                   message="Mosquitto on port %d" % self.port)
        assert self.process.poll() is None, "Mosquitto exited; see %s/log" % self.directory
        return self

    def _accepts(self):
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            return True
        except OSError:
            return False


class ServerProcess(ChildProcess):
    """An Odoo HTTP server on one database, as tools/ep starts the integration tests' server."""

    def __init__(self, database, port, pg_port, log, env=None):
        self.port = int(port)
        self.url = "http://127.0.0.1:%d" % self.port
        self.log = Path(log)
        self.args = [PYTHON, str(ROOT / "bin" / "odoo-bin"), "-c", str(ROOT / "odoo.conf"), "--db_port", str(pg_port),
                     "-d", database, "--db-filter", "^%s$" % database, "--http-port", str(port),
                     "--logfile", str(self.log)]
        self.env = dict(os.environ, **(env or {}))
        self.env.pop("PYTHONPATH", None)
        self.process = None

    def start(self):
        assert port_free(self.port), "port %d is taken by another program: set EP_REL_HTTP_PORT" % self.port
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(self.args, cwd=str(ROOT), env=self.env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: self._serves() or self.process.poll() is not None, timeout=180, interval=0.3,
                   message="the Odoo server on %s" % self.url)
        assert self.process.poll() is None, "the Odoo server exited; see %s" % self.log
        return self

    def _serves(self):
        try:
            with urllib.request.urlopen(self.url + "/web/login", timeout=10) as response:
                return response.status == 200
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False


def port_free(port):
    """Nothing listens on the port (as tools/ep checks before starting a service); waits out a
    process that was just killed."""
    deadline = time.monotonic() + 10
    while True:
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT is no conflict
            try:
                probe.bind(("127.0.0.1", port))
                return True
            except OSError:
                if time.monotonic() > deadline:
                    return False
        time.sleep(0.2)


def open_registry(database, pg_port):
    """The database's registry, loaded in the test process (runtime/ on PYTHONPATH)."""
    import odoo

    odoo.tools.config.parse_config(["-c", str(ROOT / "odoo.conf"), "--db_port", str(pg_port),
                                    "--log-level", "warn"])
    return odoo.registry(database)


def transaction_factory(registry):
    """``with transaction() as env:`` commits on success; ``transaction(commit=False)`` rolls back."""
    from odoo import SUPERUSER_ID, api

    @contextmanager
    def open_transaction(commit=True):
        with api.Environment.manage():
            cr = registry.cursor()
            try:
                yield api.Environment(cr, SUPERUSER_ID, {})
                if commit:
                    cr.commit()
                else:
                    cr.rollback()
            finally:
                cr.rollback()
                cr.close()

    return open_transaction


def addons_path():
    for line in (ROOT / "odoo.conf").read_text().splitlines():
        if line.replace(" ", "").startswith("addons_path="):
            return line.split("=", 1)[1].strip()
    raise RuntimeError("odoo.conf has no addons_path")


def broker(action):
    subprocess.run([str(ROOT / "tools" / "ep"), "broker-%s" % action], cwd=str(ROOT), check=True,
                   stdout=subprocess.DEVNULL)


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def device_factory(transaction, broker_settings, client_class=None, timeout=10):
    """``make(site="IT-LOT", code=None, **options)``: registers a device with an MQTT account (committed) and
    connects a client playing it (``client_class``, DeviceClient by default); ``make.clients`` are
    every client made, for the fixture to close."""

    def make(site="IT-LOT", code=None, client_class=client_class or DeviceClient, **options):
        code = code or unique("dev")
        password = unique("pw")
        with transaction() as env:
            device = env["ep.device"].create({"name": code, "code": code, "site_code": site})
            device.set_mqtt_password(password)
        # the account reaches the broker after the commit (password file + reload)

        def connect():
            try:
                return client_class(broker_settings, site, code, password, **options)
            except ConnectionRefusedError:
                return None

        client = wait_until(connect, timeout=timeout, interval=0.3, message="the broker to accept %s" % code)
        make.clients.append(client)
        return client

    make.clients = []
    return make
