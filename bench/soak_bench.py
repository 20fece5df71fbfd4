"""Soak (issue 14 item 7): a steady stream of vendor events for minutes; prints figures, asserts nothing.

    tools/ep start && .venv/bin/python bench/soak_bench.py [--db ep_bench] [--minutes 10] [--rate 200]

The Odoo server (threaded, as `make run` runs it) and one MQTT bridge process serve database --db
(made by `tools/ep bench`). For --minutes, --rate events a second are sent on a fixed schedule (open
loop: a slow server makes a queue, it does not slow the sender), a gate's day in miniature:
  - --passage-share of them are passages of the demo lot SZ-001: every car enters, then leaves --stay
    seconds later, so the number of cars in the lot stays flat. --http-share of the cars are reported
    by the vendor over HTTP (POST /ep/api/v1/passages with its token, from a pool of sender threads;
    werkzeug answers HTTP/1.0: one connection a request), the others by the demo gate gate-in-1 over
    MQTT (ep/SZ-001/gate-in-1/event, QoS 1), turned into passages by the bridge;
  - the rest are the gate's heartbeats over MQTT (the bridge marks the device present).
Every --sample seconds: the resident memory (RSS) of the server and of the bridge, the HTTP latency
percentiles of the requests answered in the window, the latency from publish to the event handled
(done, failed or ignored; polled every 50 ms) and the backlog of events not handled yet.
Verdicts, each against the run's own start (the first minute after a --warmup): memory at the end
against memory then (target <= 1.10), p99 of the last minute against the first (target <= 1.5),
the rate sent (target >= 98 % of --rate) and nothing lost or refused. The rows made are deleted at the end.
"""
import argparse
import http.client
import json
import queue
import signal
import sys
import threading
import time
import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import paho.mqtt.client as mqtt
from benchlib import record
from bridge_bench import broker_settings, start_bridge
from tariff_bench import LOT_CODE, LOT_TZ, VENDOR_TOKEN, free_port, percentile, pg_connect, pg_port, start_odoo, stop

ROOT = Path(__file__).resolve().parents[1]
BENCH = "soak"
GATE, GATE_PASSWORD = "gate-in-1", "gate-in-1-demo"  # the demo gate's MQTT account (ep_device_bridge demo)
SENDERS = 24
FILLERS = 90000  # car numbers of the cars that stay on (plates 粤S9xxxx)


def rss_mb(pid):
    try:
        with open("/proc/%d/status" % pid) as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except FileNotFoundError:
        return None
    return None


def lot_time():
    return datetime.now(ZoneInfo(LOT_TZ)).strftime("%Y-%m-%d %H:%M:%S")


class Soak:
    def __init__(self, args, port):
        self.args, self.port = args, port
        self.run = "soak-%s" % uuid.uuid4().hex[:6]
        self.jobs = queue.Queue()
        self.lock = threading.Lock()
        self.http = []  # (answered at, latency s, ok)
        self.published = {}  # event id -> monotonic time published
        self.handled = []  # (handled at, latency s)
        self.sent = 0
        self.errors = []
        self.done = threading.Event()

    # -------------------------------------------------------- what one car does
    def event(self, index, direction):
        plate = "粤S%05d" % (index % 100000)
        values = {"event_id": "%s-%s-%d" % (self.run, direction, index), "plate": plate, "time": lot_time()}
        if direction == "out":
            values.update(amount_due="0.00", amount_paid="0.00")
        return values

    def send_http(self, connection_port, values, direction):
        body = dict(values, lot=LOT_CODE, direction=direction, gate=GATE)
        started = time.monotonic()
        ok = False
        try:
            connection = http.client.HTTPConnection("127.0.0.1", connection_port, timeout=60)
            connection.request("POST", "/ep/api/v1/passages", body=json.dumps(body, ensure_ascii=False).encode(),
                               headers={"Authorization": "Bearer " + VENDOR_TOKEN,
                                        "Content-Type": "application/json"})
            response = connection.getresponse()
            answer = json.loads(response.read() or b"null")
            connection.close()
            ok = response.status == 200 and (answer or {}).get("result") == 0
            if not ok:
                self.errors.append("HTTP %s %s" % (response.status, answer))
        except OSError as exc:
            self.errors.append("HTTP %s" % exc)
        now = time.monotonic()
        with self.lock:
            self.http.append((now, now - started, ok))

    def sender(self):
        while True:
            job = self.jobs.get()
            if job is None:
                return
            self.send_http(self.port, *job)

    # -------------------------------------------------------- MQTT
    def gate_client(self):
        host, port = broker_settings()[:2]
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="%s-gate" % self.run,
                             protocol=mqtt.MQTTv5)
        client.username_pw_set(GATE, GATE_PASSWORD)
        client.max_inflight_messages_set(200)
        client.connect(host, port, keepalive=30)
        client.loop_start()
        return client

    def heartbeat(self, client):
        self.publish(client, {"event_id": "%s-hb-%d" % (self.run, self.sent)}, None)

    def publish(self, client, values, direction):
        payload = dict(values, type={"in": "entry", "out": "exit", None: "heartbeat"}[direction])
        with self.lock:
            self.published[values["event_id"]] = time.monotonic()
        client.publish("ep/%s/%s/event" % (LOT_CODE, GATE), json.dumps(payload, ensure_ascii=False), qos=1)

    def watcher(self, db):
        """Polls this run's events: publish -> handled (done, failed or ignored) latency, 50 ms resolution."""
        connection = pg_connect(db)
        connection.autocommit = True
        cursor = connection.cursor()
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM ep_device_event")
        floor = cursor.fetchone()[0]  # every event of the run at or below it is counted
        like = self.run + "-%"
        while not self.done.is_set():
            cursor.execute("SELECT id, event_id, state FROM ep_device_event WHERE id > %s AND event_id LIKE %s",
                           (floor, like))
            rows = cursor.fetchall()
            now = time.monotonic()
            waiting = [row_id for row_id, _, state in rows if state == "received"]
            with self.lock:
                for _, event_id, state in rows:
                    if state != "received":
                        sent = self.published.pop(event_id, None)
                        if sent is not None:
                            self.handled.append((now, now - sent))
            if rows:
                floor = min(waiting) - 1 if waiting else max(row_id for row_id, _, _ in rows)
            time.sleep(0.05)
        connection.close()

    # -------------------------------------------------------- the schedule
    def drive(self, client):
        args = self.args
        interval = 1.0 / args.rate
        lag = int(args.stay * args.rate * args.passage_share / 2)  # cars entering during a stay
        started = time.monotonic()
        end = started + args.minutes * 60
        index = 0
        while True:
            due = started + self.sent * interval
            if due >= end:
                return time.monotonic() - started
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            # even events: the entry of car index/2; odd ones: the exit of the car that entered --stay
            # seconds before (until the first of those is due, the entry of a car that stays on)
            car, direction = index // 2, "in"
            if index % 2 and index // 2 >= lag:
                car, direction = index // 2 - lag, "out"
            elif index % 2:
                car = FILLERS + index
            self.sent += 1
            if (self.sent * args.passage_share) % 1 + args.passage_share < 1:  # passages spread evenly
                self.heartbeat(client)
                continue
            index += 1
            values = self.event(car, direction)
            if (car * args.http_share) % 1 + args.http_share >= 1:  # a car's two events take one channel
                self.jobs.put((values, direction))
            else:
                self.publish(client, values, direction)

    def sampler(self, server, bridge, samples, started):
        while not self.done.wait(self.args.sample):
            now = time.monotonic()
            window_start = now - self.args.sample
            with self.lock:
                latencies = sorted(latency for at, latency, ok in self.http if at >= window_start)
                mqtt_latencies = sorted(latency for at, latency in self.handled if at >= window_start)
                backlog = len(self.published)
            sample = {"t": now - started, "server_mb": rss_mb(server.pid), "bridge_mb": rss_mb(bridge.pid),
                      "http_n": len(latencies), "http_p50": percentile(latencies, 0.5) * 1000 if latencies else None,
                      "http_p99": percentile(latencies, 0.99) * 1000 if latencies else None,
                      "mqtt_n": len(mqtt_latencies),
                      "mqtt_p99": percentile(mqtt_latencies, 0.99) * 1000 if mqtt_latencies else None,
                      "backlog": backlog, "sent": self.sent}
            samples.append(sample)
            print("   %5.0f s  server %6.1f MB  bridge %6.1f MB  HTTP %4d p50 %6.1f p99 %7.1f ms  "
                  "MQTT %4d p99 %7.1f ms  backlog %5d" % (
                      sample["t"], sample["server_mb"] or 0, sample["bridge_mb"] or 0, sample["http_n"],
                      sample["http_p50"] or 0, sample["http_p99"] or 0, sample["mqtt_n"], sample["mqtt_p99"] or 0,
                      backlog), flush=True)

    @staticmethod
    def clean(db, run="soak"):
        """Deletes the rows of ``run`` (by default: of every soak, an interrupted one's too)."""
        connection = pg_connect(db)
        cursor = connection.cursor()
        cursor.execute("DELETE FROM ep_parking_passage WHERE event_ref LIKE %s", (run + "-%",))
        cursor.execute("DELETE FROM ep_device_event WHERE event_id LIKE %s", (run + "-%",))
        connection.commit()
        connection.close()


def slope_per_minute(samples, key):
    """Least-squares slope of ``key`` over time, per minute."""
    points = [(s["t"], s[key]) for s in samples if s[key] is not None]
    if len(points) < 2:
        return 0.0
    mean_t = sum(t for t, _ in points) / len(points)
    mean_v = sum(v for _, v in points) / len(points)
    den = sum((t - mean_t) ** 2 for t, _ in points)
    return 60 * sum((t - mean_t) * (v - mean_v) for t, v in points) / den if den else 0.0


def window_p99(samples, key):
    values = [s[key] for s in samples if s[key] is not None]
    return max(values) if values else None


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # run the clean-ups (server, bridge, rows)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="ep_bench")
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=200.0, help="events a second, HTTP and MQTT together")
    parser.add_argument("--passage-share", type=float, default=0.25,
                        help="share of passages (entries and exits) in the stream; the rest are gate heartbeats")
    parser.add_argument("--http-share", type=float, default=0.5, help="share of the passages sent over HTTP")
    parser.add_argument("--stay", type=float, default=30.0, help="seconds between a car's entry and exit")
    parser.add_argument("--sample", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=60.0, help="seconds not counted in the verdicts")
    parser.add_argument("--port", type=int, default=8293)
    args = parser.parse_args()
    print("soak: %.0f events/s for %.1f min on %s: %.0f %% passages (%.0f %% of them over HTTP, the others MQTT "
          "gate events), the rest MQTT gate heartbeats" % (args.rate, args.minutes, args.db, 100 * args.passage_share,
                                                           100 * args.http_share), flush=True)
    Soak.clean(args.db)  # an interrupted soak's events would keep the new bridge busy
    server = start_odoo(args.db, free_port(args.port))
    port = int(server.args[server.args.index("--http-port") + 1])
    bridge = None
    soak = Soak(args, port)
    try:
        bridge = start_bridge(args.db, pg_port(), soak.run, ROOT / ".state" / "log" / "bridge-soak.log")
        client = soak.gate_client()
        threads = [threading.Thread(target=soak.sender, daemon=True) for _ in range(SENDERS)]
        threads.append(threading.Thread(target=soak.watcher, args=(args.db,), daemon=True))
        samples = []
        started = time.monotonic()
        threads.append(threading.Thread(target=soak.sampler, args=(server, bridge, samples, started), daemon=True))
        for thread in threads:
            thread.start()
        elapsed = soak.drive(client)
        for _ in range(SENDERS):
            soak.jobs.put(None)
        for thread in threads[:SENDERS]:
            thread.join(120)
        deadline = time.monotonic() + 60
        while soak.published and time.monotonic() < deadline:
            time.sleep(0.2)
        soak.done.set()
        client.disconnect()
        client.loop_stop()
    finally:
        soak.done.set()
        stop(bridge)
        stop(server)
        soak.clean(args.db, soak.run)
    report(args, soak, samples, elapsed)


def report(args, soak, samples, elapsed):
    counted = [s for s in samples if s["t"] > args.warmup] or samples
    per_minute = max(1, int(round(60 / args.sample)))
    first, last = counted[:per_minute], counted[-per_minute:]
    http_ok = sum(1 for _, _, ok in soak.http if ok)
    print("   sent %d events in %.0f s (%.1f/s); HTTP answered %d (%d failed), MQTT handled %d, never handled %d"
          % (soak.sent, elapsed, soak.sent / elapsed, len(soak.http), len(soak.http) - http_ok, len(soak.handled),
             len(soak.published)))
    for error in soak.errors[:5]:
        print("   error: %s" % error)
    for key, label in (("server_mb", "server RSS"), ("bridge_mb", "bridge RSS")):
        print("   %s: %.1f MB after warm-up, %.1f MB at the end, trend %+.2f MB/min"
              % (label, first[0][key] or 0, last[-1][key] or 0, slope_per_minute(counted, key)))
    minutes = "%.0f min" % args.minutes
    record(BENCH, "events sent, %s" % minutes, soak.sent / elapsed, "events/s", target=("value", ">=",
                                                                                          0.98 * args.rate))
    record(BENCH, "events lost or refused, %s" % minutes, len(soak.http) - http_ok + len(soak.published), "events",
           target=("value", "<=", 0))
    for key, label in (("server_mb", "server RSS at the end"), ("bridge_mb", "bridge RSS at the end")):
        record(BENCH, label, last[-1][key], "MB", first[0][key], "same process after warm-up", ("ratio", "<=", 1.10))
    for key, label in (("http_p99", "HTTP passage p99, last minute"), ("mqtt_p99", "MQTT publish->handled p99, "
                                                                                   "last minute")):
        record(BENCH, label, window_p99(last, key), "ms", window_p99(first, key), "first minute after warm-up",
               ("ratio", "<=", 1.5))


if __name__ == "__main__":
    main()
