"""Bridge ingestion benchmark: prints figures and ratios, asserts nothing.

    tools/ep start && .venv/bin/python bench/bridge_bench.py [--db ep_test] [--count 20000]

Measured in one run, on this machine's project PostgreSQL and Mosquitto:
  1. broker     — paho publisher (own process) -> paho subscriber, QoS 1: the MQTT ceiling;
  2. raw insert — psycopg2 INSERTs of the same rows into a scratch copy of the event table,
                  one statement per row, a commit every 500 rows: the database ceiling for rows that
                  arrive one by one; and COPY of all of them at once: the ceiling of bulk loading;
  3. bridge     — events published on ep/<site>/<device>/event until their rows are
                  committed by a real `odoo-bin ep-bridge` process (end to end).
Target: bridge >= 30 % of the raw insert rate.
"""
import argparse
import configparser
import io
import json
import multiprocessing
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import paho.mqtt.client as mqtt
import psycopg2
from benchlib import record

ROOT = Path(__file__).resolve().parents[1]
BENCH = "bridge"


def conf():
    parser = configparser.ConfigParser()
    parser.read(ROOT / "odoo.conf")
    return parser


def broker_settings():
    section = conf()["ep_device_bridge"]
    return (section["mqtt_host"], int(os.environ.get("EP_MQTT_PORT") or section["mqtt_port"]),
            section["mqtt_username"], section["mqtt_password"])


def pg_connect(db):
    options = conf()["options"]
    return psycopg2.connect(dbname=db, host=options["db_host"], user=options["db_user"],
                            password=options["db_password"],
                            port=int(os.environ.get("EP_PG_PORT") or options["db_port"]))


def mqtt_client(name):
    host, port, username, password = broker_settings()
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="%s-%s" % (name, uuid.uuid4().hex[:6]),
                         protocol=mqtt.MQTTv5)
    client.username_pw_set(username, password)
    client.max_inflight_messages_set(200)
    client.max_queued_messages_set(0)
    client.connect(host, port, keepalive=60)
    return client


def event_payload(run, index):
    return json.dumps({"event_id": "%s-%d" % (run, index), "type": "bench", "ts": "2026-11-22T00:00:00Z",
                       "plate": "粤B%05d" % (index % 100000), "lane": index % 4})


def publish(topics, run, count):
    """Child process: publish ``count`` QoS 1 events round-robin over ``topics``."""
    client = mqtt_client("bench-pub")
    client.loop_start()
    infos = [client.publish(topics[index % len(topics)], event_payload(run, index), qos=1)
             for index in range(count)]
    for info in infos:
        info.wait_for_publish(60)
    client.disconnect()
    client.loop_stop()


def run_publisher(topics, run, count):
    process = multiprocessing.Process(target=publish, args=(topics, run, count))
    process.start()
    return process


def bench_broker(count):
    run = uuid.uuid4().hex[:8]
    topic = "ep/BENCH-BROKER/pub/bench"  # a channel no bridge subscribes to
    received = threading.Event()
    seen = [0]

    def on_message(client, userdata, message):
        seen[0] += 1
        if seen[0] >= count:
            received.set()

    subscriber = mqtt_client("bench-sub")
    subscribed = threading.Event()
    subscriber.on_message = on_message
    subscriber.on_subscribe = lambda *args: subscribed.set()
    subscriber.subscribe(topic, qos=1)
    subscriber.loop_start()
    subscribed.wait(10)
    started = time.perf_counter()
    publisher = run_publisher([topic], run, count)
    received.wait(300)
    elapsed = time.perf_counter() - started
    publisher.join()
    subscriber.disconnect()
    subscriber.loop_stop()
    return seen[0] / elapsed


def scratch_event_table(connection):
    cursor = connection.cursor()
    cursor.execute("CREATE TEMP TABLE bench_event (LIKE ep_device_event INCLUDING ALL)")
    cursor.execute("CREATE TEMP SEQUENCE bench_event_seq")
    cursor.execute("ALTER TABLE bench_event ALTER id SET DEFAULT nextval('bench_event_seq')")
    connection.commit()
    return cursor


def bench_raw_insert(db, count):
    run = uuid.uuid4().hex[:8]
    connection = pg_connect(db)
    cursor = scratch_event_table(connection)
    started = time.perf_counter()
    for index in range(count):
        cursor.execute(
            """INSERT INTO bench_event (site_code, device_code, event_id, event_type, received_at, payload,
                                       state, attempts, create_uid, create_date, write_uid, write_date)
               VALUES (%s, %s, %s, %s, now(), %s, 'ignored', 0, 1, now(), 1, now())""",
            ("BENCH", "dev-%d" % (index % 8), "%s-%d" % (run, index), "bench", event_payload(run, index)))
        if index % 500 == 499:
            connection.commit()
    connection.commit()
    elapsed = time.perf_counter() - started
    connection.close()
    return count / elapsed


def bench_raw_copy(db, count):
    """The same rows through one COPY: what PostgreSQL takes when nothing arrives one by one."""
    run = uuid.uuid4().hex[:8]
    connection = pg_connect(db)
    cursor = scratch_event_table(connection)
    started = time.perf_counter()
    buffer = io.StringIO()
    for index in range(count):
        payload = event_payload(run, index).replace("\\", "\\\\")
        buffer.write("BENCH\tdev-%d\t%s-%d\tbench\tnow\t%s\tignored\t0\t1\tnow\t1\tnow\n"
                     % (index % 8, run, index, payload))
    buffer.seek(0)
    cursor.copy_expert("COPY bench_event (site_code, device_code, event_id, event_type, received_at, payload, state, "
                       "attempts, create_uid, create_date, write_uid, write_date) FROM STDIN", buffer)
    connection.commit()
    elapsed = time.perf_counter() - started
    connection.close()
    return count / elapsed


def start_bridge(db, pg_port, instance, log):
    """An `odoo-bin ep-bridge` process as tools/ep starts one; returns once it receives."""
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("")
    addons_path = conf()["options"]["addons_path"]
    # No inbound session kept after a bench bridge goes: a run never receives an earlier run's messages.
    bridge = subprocess.Popen(
        [sys.executable, str(ROOT / "bin" / "odoo-bin"), "--addons-path=%s" % addons_path, "ep-bridge",
         "-c", str(ROOT / "odoo.conf"), "--db_port", str(pg_port), "-d", db, "--instance", instance,
         "--logfile", str(log)], cwd=str(ROOT), env=dict(os.environ, EP_BRIDGE_SESSION_EXPIRY="0"),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not re.search(r"bridge \S+ receives for ", log.read_text()):
        if time.monotonic() > deadline or bridge.poll() is not None:
            bridge.kill()
            raise RuntimeError("the bridge did not start; see %s" % log)
        time.sleep(0.2)
    time.sleep(0.5)
    return bridge


def bench_bridge(db, count, pg_port):
    run = uuid.uuid4().hex[:8]
    site = "BENCH-%s" % run
    topics = ["ep/%s/dev-%d/event" % (site, n) for n in range(8)]
    bridge = start_bridge(db, pg_port, "bench-%s" % run, ROOT / ".state" / "log" / "bridge-bench.log")
    connection = pg_connect(db)
    connection.autocommit = True
    cursor = connection.cursor()
    try:
        started = time.perf_counter()
        publisher = run_publisher(topics, run, count)
        stored = 0
        while stored < count and time.perf_counter() - started < 600:
            time.sleep(0.1)
            cursor.execute("SELECT count(*) FROM ep_device_event WHERE site_code = %s", (site,))
            stored = cursor.fetchone()[0]
        elapsed = time.perf_counter() - started
        publisher.join()
        return stored / elapsed, stored
    finally:
        bridge.terminate()
        bridge.wait(30)
        cursor.execute("DELETE FROM ep_device_event WHERE site_code = %s", (site,))
        connection.close()


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # run the clean-ups (bridge, rows)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default=os.environ.get("EP_DB", "ep"))
    parser.add_argument("--count", type=int, default=20000)
    args = parser.parse_args()
    pg_port = int(os.environ.get("EP_PG_PORT") or conf()["options"]["db_port"])
    print("bridge bench on database %s, %d messages of ~%d bytes" % (args.db, args.count,
                                                                    len(event_payload("x", 1).encode())))
    broker_rate = bench_broker(args.count)
    print("broker publish->deliver (QoS 1):        %8.0f msg/s" % broker_rate)
    raw_rate = bench_raw_insert(args.db, args.count)
    print("raw psycopg2 insert (commit per 500):   %8.0f rows/s" % raw_rate)
    copy_rate = bench_raw_copy(args.db, args.count)
    print("raw psycopg2 COPY (one batch):          %8.0f rows/s" % copy_rate)
    bridge_rate, stored = bench_bridge(args.db, args.count, pg_port)
    print("bridge end to end (publish->committed): %8.0f events/s (%d/%d stored)" % (bridge_rate, stored, args.count))
    print("ratio bridge / raw insert:   %5.1f %%  (target >= 30 %%)" % (100 * bridge_rate / raw_rate))
    print("ratio bridge / raw COPY:     %5.1f %%" % (100 * bridge_rate / copy_rate))
    print("ratio bridge / broker:       %5.1f %%" % (100 * bridge_rate / broker_rate))
    figure = "MQTT events stored, %d events" % args.count
    record(BENCH, figure, bridge_rate, "events/s", raw_rate, "raw psycopg2 INSERT", ("ratio", ">=", 0.30))
    record(BENCH, figure, bridge_rate, "events/s", copy_rate, "raw psycopg2 COPY")
    record(BENCH, figure, bridge_rate, "events/s", broker_rate, "paho publish->deliver via Mosquitto")
    if stored < args.count:
        record(BENCH, "MQTT events lost", args.count - stored, "events", target=("value", "<=", 0))


if __name__ == "__main__":
    main()
