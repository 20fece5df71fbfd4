"""The bridge process: PostgreSQL outbox -> MQTT, MQTT device reports -> PostgreSQL.

One process per bridge instance, any number of instances per database:
  * every instance publishes due commands, with an MQTT client of its own (clean session);
    the outbox is claimed with SELECT ... FOR UPDATE SKIP LOCKED, so two instances never
    publish the same due command, and a NOTIFY sent on commit wakes the publisher at once;
  * one instance at a time receives: the one holding the database's inbound lock (a
    PostgreSQL advisory lock) connects the *inbound session*, a client id per database
    with a persistent session subscribed to ``ep/+/+/{event,ack,status}``. When it dies,
    its database connection ends, another instance takes the lock and resumes the session:
    the broker delivers what the first one had not acknowledged and what arrived meanwhile.
    Not MQTT 5 shared subscriptions: Mosquitto 2.0 does not restore them from its
    persistence, so after a broker restart every device message published before the
    bridges subscribed again was dropped ("no matching subscribers"); a plain subscription
    of a persistent session is restored and queues them (tests/reliability);
  * QoS 1 messages are acknowledged to the broker only after their rows are committed
    (manual acks), and only on the connection they arrived on, so a crash loses nothing.
PostgreSQL is the truth: whatever a crash interrupts is redone from the tables.
"""
import logging
import queue
import random
import select
import threading
import time

import paho.mqtt.client as mqtt
import psycopg2
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

import odoo
from odoo import SUPERUSER_ID, api, fields

from .. import settings
from ..lib import protocol
from ..models.ep_device_command import NOTIFY_CHANNEL

_logger = logging.getLogger(__name__)

PUBACK_TIMEOUT = 5.0
DISPATCH_TRIES = 5
INBOUND = ("event", "ack", "status")
LEADER_CHECK = 2.0  # seconds between two looks at the inbound lock
# pg_try_advisory_lock key of the inbound session (advisory locks are per database)
INBOUND_LOCK = 0x65704252  # "epBR"
LEAVE_DRAIN = 5.0  # seconds a stopping bridge goes on storing what it received
SESSION_TAKEN_OVER = 142  # MQTT 5 DISCONNECT reason: another connection took our client id


class Bridge:

    def __init__(self, dbname, instance):
        self.dbname = dbname
        self.instance = instance
        self.broker = settings.mqtt_settings()
        self.batch_size = int(settings.bridge_option("batch_size"))
        self.poll_interval = float(settings.bridge_option("poll_interval"))
        self.session_expiry = int(settings.bridge_option("session_expiry"))
        self.inbox = queue.Queue()  # (connection generation, message) from the inbound client
        self.unsaved = []
        self.wakeup = threading.Event()
        self.stopping = threading.Event()
        self.registry = odoo.registry(dbname)
        prefix = self.broker.client_id_prefix
        self.client = self._make_client("%s-%s-%s" % (prefix, dbname, instance))  # publishes commands
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        # the inbound session: one client id per database, held by the instance with the lock
        self.inbound_id = "%s-%s-inbound" % (prefix, dbname)
        self.inbound = None
        self.lock_connection = None
        self.generation = 0  # of the inbound connection; a message is acked on its own only
        self.generation_lock = threading.Lock()
        self.taken_over = threading.Event()
        self.last_leader_check = float("-inf")
        self.standing_by = False
        self.session_present = None

    # ------------------------------------------------------------ MQTT
    def _make_client(self, client_id):
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5,
                             manual_ack=True)
        if self.broker.username:
            client.username_pw_set(self.broker.username, self.broker.password)
        if self.broker.tls:
            client.tls_set(ca_certs=self.broker.ca_certs)
        client.max_inflight_messages_set(100)
        client.max_queued_messages_set(0)
        client.reconnect_delay_set(min_delay=1, max_delay=10)
        return client

    def _on_connect(self, client, userdata, flags, reason, properties):
        if reason.is_failure:
            _logger.error("broker refused the bridge: %s", reason)
            return
        _logger.info("bridge %s connected to %s:%s", self.instance, self.broker.host, self.broker.port)
        self.wakeup.set()

    def _on_disconnect(self, client, userdata, flags, reason, properties):
        if not self.stopping.is_set():
            _logger.warning("bridge %s lost the broker: %s; reconnecting", self.instance, reason)

    def _on_inbound_connect(self, client, userdata, flags, reason, properties):
        if reason.is_failure:
            _logger.error("broker refused the inbound session: %s", reason)
            return
        with self.generation_lock:
            self.generation += 1
        # Retained presence only for a new subscription: a resumed session already has it.
        options = mqtt.SubscribeOptions(qos=1, retainHandling=mqtt.SubscribeOptions.RETAIN_SEND_IF_NEW_SUB)
        client.subscribe([("ep/+/+/%s" % channel, options) for channel in INBOUND])
        self.session_present = flags.session_present

    def _on_inbound_subscribe(self, client, userdata, mid, reason_codes, properties):
        failed = [str(code) for code in reason_codes if code.is_failure]
        if failed:
            _logger.error("bridge %s: the broker refused the inbound subscriptions: %s", self.instance, failed)
            return
        _logger.info("bridge %s receives for %s (session present: %s)",
                     self.instance, self.dbname, self.session_present)

    def _on_inbound_disconnect(self, client, userdata, flags, reason, properties):
        if reason == SESSION_TAKEN_OVER:
            self.taken_over.set()  # another instance has the session: give it up, do not take it back
        elif not self.stopping.is_set():
            _logger.warning("bridge %s: inbound session lost the broker: %s; reconnecting", self.instance, reason)

    def _on_message(self, client, userdata, message):
        self.inbox.put((self.generation, message))

    # ------------------------------------------------------------ the inbound session
    def _lead(self):
        """Hold the inbound session while this instance has the lock; try to take it otherwise."""
        if self.inbound is not None and (self.taken_over.is_set() or not self._lock_alive()):
            _logger.warning("bridge %s gives the inbound session up (%s)", self.instance,
                            "taken over" if self.taken_over.is_set() else "lock connection lost")
            self._close_inbound()
        if self.inbound is None:
            if self._take_lock():
                self._open_inbound()
            elif not self.standing_by:
                _logger.info("bridge %s stands by: another bridge holds the inbound session of %s",
                             self.instance, self.dbname)
            self.standing_by = self.inbound is None

    def _take_lock(self):
        try:
            if self.lock_connection is None or self.lock_connection.closed:
                _, info = odoo.sql_db.connection_info_for(self.dbname)
                self.lock_connection = psycopg2.connect(**info)
                self.lock_connection.set_isolation_level(psycopg2.extensions.ISOLATION_LEVEL_AUTOCOMMIT)
            with self.lock_connection.cursor() as cr:
                cr.execute("SELECT pg_try_advisory_lock(%s)", [INBOUND_LOCK])
                return cr.fetchone()[0]
        except psycopg2.Error as exc:
            _logger.warning("bridge %s: inbound lock not reachable (%s)", self.instance, exc)
            self._release_lock()
            return False

    def _release_lock(self):
        """Closing the connection releases the lock (and lets a dead one go)."""
        if self.lock_connection is not None:
            try:
                self.lock_connection.close()
            except psycopg2.Error as exc:
                _logger.debug("closing the inbound lock connection: %s", exc)  # it is gone either way
            self.lock_connection = None

    def _lock_alive(self):
        try:
            with self.lock_connection.cursor() as cr:
                cr.execute("SELECT 1")
            return True
        except (psycopg2.Error, AttributeError):
            return False

    def _open_inbound(self):
        self.taken_over.clear()
        client = self._make_client(self.inbound_id)
        client.on_connect = self._on_inbound_connect
        client.on_disconnect = self._on_inbound_disconnect
        client.on_message = self._on_message
        client.on_subscribe = self._on_inbound_subscribe
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = self.session_expiry
        client.connect_async(self.broker.host, self.broker.port, keepalive=30, clean_start=False,
                             properties=properties)
        client.loop_start()
        self.inbound = client
        _logger.info("bridge %s holds the inbound lock of %s", self.instance, self.dbname)

    def _close_inbound(self):
        """Disconnect the inbound session, keeping it on the broker for whoever holds it next,
        and release the lock."""
        if self.inbound is not None:
            self.inbound.disconnect()
            self.inbound.loop_stop()
            self.inbound = None
            with self.generation_lock:
                self.generation += 1  # what is still in the inbox is not acked: the broker resends it
        self._release_lock()

    # ------------------------------------------------------------ main loop
    def run(self):
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = 0
        self.client.connect_async(self.broker.host, self.broker.port, keepalive=30, clean_start=True,
                                  properties=properties)
        self.client.loop_start()
        listener = threading.Thread(target=self._listen, name="ep-bridge-listen", daemon=True)
        listener.start()
        with self._env() as env:
            env["ep.device"].sync_broker_accounts()
        # the loop's first step dispatches what an earlier run left pending (housekeeping), where a
        # concurrent bridge's update is retried rather than fatal
        self.last_scan = self.last_housekeeping = float("-inf")
        _logger.info("bridge %s running on database %s", self.instance, self.dbname)
        try:
            self._loop()
        finally:
            self._leave()
            _logger.info("bridge %s stopped", self.instance)

    def _loop(self):
        while not self.stopping.is_set():
            try:
                self._step()
            except (psycopg2.extensions.TransactionRollbackError, psycopg2.OperationalError) as exc:
                # A concurrent update or a database restart: the batch is kept and tried again.
                _logger.warning("bridge %s: database busy or away (%s); retrying", self.instance, exc)
                time.sleep(0.5)
            except Exception:  # noqa: BLE001 - the bridge must outlive any single bad iteration
                _logger.exception("bridge %s: unexpected error; continuing", self.instance)
                time.sleep(1)

    def _leave(self):
        """A clean stop stores and acknowledges what already arrived, then disconnects; the
        inbound session stays on the broker, which queues for the next instance to hold it."""
        if self.inbound is not None:
            time.sleep(0.2)
            # the subscription stays, so messages keep coming: stop after a while, leaving the rest
            # unacknowledged for the next bridge (it gets them again)
            deadline = time.monotonic() + LEAVE_DRAIN
            while (self.unsaved or not self.inbox.empty()) and time.monotonic() < deadline:
                self._drain_inbox(timeout=0)
        self._close_inbound()
        self.client.disconnect()
        self.client.loop_stop()

    def _step(self):
        self._drain_inbox(timeout=0.05)
        now = time.monotonic()
        if now - self.last_leader_check >= LEADER_CHECK:
            self.last_leader_check = now
            self._lead()
        if self.wakeup.is_set() or now - self.last_scan >= self.poll_interval:
            self.wakeup.clear()
            self.last_scan = now
            if self._publish_due():
                self.wakeup.set()  # a full batch: more may be due
        if now - self.last_housekeeping >= 30:
            self.last_housekeeping = now
            self.registry = self.registry.check_signaling()
            self._dispatch_pending()

    def stop(self):
        self.stopping.set()

    def _env(self):
        return _EnvContext(self.registry)

    def _listen(self):
        """Sets ``wakeup`` whenever a transaction that queued a command commits."""
        while not self.stopping.is_set():
            try:
                _, info = odoo.sql_db.connection_info_for(self.dbname)
                connection = psycopg2.connect(**info)
                connection.set_isolation_level(psycopg2.extensions.ISOLATION_LEVEL_AUTOCOMMIT)
                connection.cursor().execute("LISTEN %s" % NOTIFY_CHANNEL)
                while not self.stopping.is_set():
                    if select.select([connection], [], [], 1.0)[0]:
                        connection.poll()
                        if connection.notifies:
                            del connection.notifies[:]
                            self.wakeup.set()
            except psycopg2.Error as exc:
                _logger.warning("LISTEN connection failed (%s); polling until it is back", exc)
                time.sleep(2)

    # ------------------------------------------------------------ outbox
    def _publish_due(self):
        """Publish due commands; returns True when the batch was full."""
        if not self.client.is_connected():
            return False
        limit = 100
        with self._env() as env:
            commands = env["ep.device.command"]
            now = fields.Datetime.now()
            due = commands._claim_due(limit=limit, now=now)
            pending = []
            for command in due:
                reason = command._give_up_reason(now)
                if reason:
                    command._mark_dead(reason)
                    continue
                info = self.client.publish(command.mqtt_topic(), command.payload(), qos=1)
                _logger.debug("published %s (attempt %d) to %s", command.uuid, command.attempts + 1,
                              command.mqtt_topic())
                pending.append((command, info))
            for command, info in pending:
                try:
                    info.wait_for_publish(timeout=PUBACK_TIMEOUT)
                except (RuntimeError, ValueError) as exc:
                    _logger.debug("publish of %s not confirmed: %s", command.uuid, exc)
                if info.is_published():
                    command._mark_sent(now)
                else:
                    command._mark_publish_failed("the broker did not confirm the publication", now)
            env.cr.commit()
        return len(due) >= limit

    # ------------------------------------------------------------ inbound
    def _drain_inbox(self, timeout):
        batch, self.unsaved = self.unsaved, []
        if not batch:
            try:
                batch = [self.inbox.get(timeout=timeout) if timeout else self.inbox.get_nowait()]
            except queue.Empty:
                return
        self.unsaved = batch  # until committed: a failed attempt keeps the batch for the next one
        while len(batch) < self.batch_size:
            try:
                batch.append(self.inbox.get_nowait())
            except queue.Empty:
                break
        events, acks, presence = [], [], []
        for _generation, message in batch:
            self._classify(message, events, acks, presence)
        with self._env() as env:
            events, acks, presence = self._drop_foreign(env, events, acks, presence)
            new = env["ep.device.event"]._ingest(events)
            for site_code, device_code, ack in acks:
                try:
                    with env.cr.savepoint():
                        env["ep.device.command"]._apply_ack(site_code, device_code, ack)
                except psycopg2.extensions.TransactionRollbackError:
                    raise  # a concurrent update: retry the whole batch
                except Exception:  # noqa: BLE001 - an origin hook failing must not lose the batch
                    _logger.exception("applying ack %s failed", ack.command_id)
            for site_code, device_code, online in presence:
                env["ep.device"]._find(site_code, device_code)._set_presence(online, fields.Datetime.now())
            env.cr.commit()
        self.unsaved = []
        self._send_receipts(events)
        self._ack(batch)
        waiting = [event_id for event_id, state in new.items() if state == "received"]
        if waiting:
            self._dispatch(waiting)

    def _send_receipts(self, events):
        """Tell each device which of its events are stored (new or seen before): it may forget them.
        A broker acknowledges a device's event before saving it (Mosquitto saves once a second), so a
        broker killed in between loses it; the device publishes again what gets no receipt."""
        if self.inbound is None:
            return  # given up meanwhile: the device gets its receipt when it publishes again
        stored = {}
        for row in events:
            stored.setdefault((row["site_code"], row["device_code"]), []).append(row["event_id"])
        for (site_code, device_code), event_ids in stored.items():
            self.inbound.publish(protocol.topic(site_code, device_code, "receipt"),
                                 protocol.encode_receipt(event_ids), qos=1)

    def _ack(self, batch):
        """Acknowledge the committed messages, each on the connection it came in on: a packet id
        means another message on a later connection. The others the broker sends again."""
        with self.generation_lock:
            if self.inbound is None:
                return
            for generation, message in batch:
                if generation == self.generation:
                    self.inbound.ack(message.mid, message.qos)

    def _drop_foreign(self, env, events, acks, presence):
        """Without the messages another device's account published (see ep.device._foreign_topics)."""
        keys = {(row["site_code"], row["device_code"]) for row in events}
        keys.update((site, code) for site, code, _value in acks + presence)
        foreign = env["ep.device"]._foreign_topics(keys)
        if not foreign:
            return events, acks, presence
        for site, code in sorted(foreign):
            _logger.warning("dropped messages on ep/%s/%s/: that level is the MQTT account of a device of "
                            "another site", site, code)
        return ([row for row in events if (row["site_code"], row["device_code"]) not in foreign],
                [item for item in acks if item[:2] not in foreign],
                [item for item in presence if item[:2] not in foreign])

    def _classify(self, message, events, acks, presence):
        try:
            site_code, device_code, channel = protocol.parse_topic(message.topic)
            if channel == "event":
                event = protocol.decode_event(message.payload)
                events.append({
                    "site_code": site_code, "device_code": device_code, "event_id": event.event_id,
                    "event_type": event.type, "device_ts": event.ts,
                    "payload": message.payload.decode("utf-8"),
                })
            elif channel == "ack":
                acks.append((site_code, device_code, protocol.decode_ack(message.payload)))
            elif channel == "status":
                presence.append((site_code, device_code, protocol.decode_status(message.payload)))
        except ValueError as exc:
            _logger.warning("dropped a malformed message on %s: %s", message.topic, exc)

    def _dispatch(self, event_ids):
        """Run the handlers in a transaction of their own. A concurrent update (another bridge or a
        request recording the same car) rolls the batch back: it runs again on a fresh snapshot,
        and after DISPATCH_TRIES the events stay received for the housekeeping to pick up."""
        for attempt in range(DISPATCH_TRIES):
            try:
                with self._env() as env:
                    env["ep.device.event"]._claim_received(event_ids)._dispatch()
                    env.cr.commit()
                return
            except psycopg2.extensions.TransactionRollbackError:
                if attempt == DISPATCH_TRIES - 1:
                    raise
                time.sleep(random.uniform(0, 0.1 * 2 ** attempt))

    def _dispatch_pending(self):
        """Events stored but not dispatched (the bridge stopped in between)."""
        with self._env() as env:
            ids = env["ep.device.event"].search([("state", "=", "received")], limit=1000).ids
        if ids:
            self._dispatch(ids)


class _EnvContext:
    """A superuser environment on a fresh cursor; rolled back unless committed."""

    def __init__(self, registry):
        self.registry = registry

    def __enter__(self):
        self.cr = self.registry.cursor()
        self.env_manager = api.Environment.manage()
        self.env_manager.__enter__()
        return api.Environment(self.cr, SUPERUSER_ID, {})

    def __exit__(self, *exc):
        try:
            self.cr.rollback()
            self.cr.close()
        finally:
            self.env_manager.__exit__(*exc)
        return False
