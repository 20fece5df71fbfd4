"""Tariff benchmark: prints figures, asserts nothing.

    .venv/bin/python bench/tariff_bench.py                      # every section (needs `tools/ep start`)
    .venv/bin/python bench/tariff_bench.py --section engine     # engine only: no services needed
    .venv/bin/python bench/tariff_bench.py --skip-server        # same: every section that needs no service

Sections (each a function called from main(); append new ones there):
  1. engine    — addons/ep_parking/lib/tariff.compute_fee on one core, for each tariff model,
                 with a pre-validated rule (validate_rule once, as the Odoo side should cache it)
                 and with a raw dict (validated on every call). Target: >= 100k fees/s/core.
  2. fee       — GET /ep/api/v1/fee?lot=SZ-001&plate=... (vendor bearer token) on a real Odoo server run
                 as `make run` runs it (odoo.conf: workers = 0, i.e. the threaded werkzeug server, cron
                 threads on, --db-filter), against database --db (default ep_bench: created with ep_parking
                 and its demo data when missing, then left for the next run; --update upgrades ep_parking
                 in it first). --cars entries are posted to SZ-001 through POST /ep/api/v1/passages
                 (plates 粤B1xxxx, entries 0-20 h before the first run; event ids are fixed, so later runs
                 find them stored and the stays are longer). Then --clients threads (http.client, one
                 connection each, no think time) query random plates for --duration seconds; each
                 request's latency is recorded. The same driver then hits a baseline in the same run: a bare
                 WSGI app returning a similar JSON body, served by werkzeug's ThreadedWSGIServer with its
                 WSGIRequestHandler (what Odoo's threaded server is made of) in its own process.
                 werkzeug 0.16 answers HTTP/1.0, so both servers close the connection after each response
                 and http.client reconnects: every request pays a TCP connect and a server thread, alike.
                 Prints requests/s, p50/p90/p99/max for both, ours/baseline ratios, and one-client figures
                 (service time without queueing). Target: p99 <= 20 ms at 50 clients.
                 The Odoo server is started on the first free port of --port..8299 and stopped at the end,
                 unless --url names a running one to reuse (it must serve --db). Log: .state/log/bench-odoo.log.
  3. inprocess — env["ep.parking.order"]._get_fee_quote(lot, plate) for the same cars, timed in this
                 process on an Odoo registry of --db (no HTTP, one cursor): the ORM's share of a query.

With 50 clients and no think time, latency is queueing: p50 ~ clients / throughput (Little's law), so
the 50-client p99 mostly measures how many requests/s one Odoo process serves on this machine. The
machine's 2 CPUs are shared with the client threads and PostgreSQL: compare ratios, not absolutes.
"""
import argparse
import configparser
import http.client
import importlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "addons"))

from benchlib import record  # noqa: E402

from ep_parking.lib.tariff import compute_fee, validate_rule  # noqa: E402

LOT_CODE = "SZ-001"  # demo lot with a published per-hour tariff
VENDOR_TOKEN = "keytop-demo-token-0001"  # demo vendor serving SZ-001
ENTRY_GATE = "gate-in-1"
LOT_TZ = "Asia/Shanghai"
LAST_PORT = 8299
TARGET_P99_MS = 20.0
TARGET_ENGINE = 100000  # fees/s/core
BENCH = "tariff"

RULES = {
    "per_entry": {"model": "per_entry", "free_minutes": 60, "cycle": "24h", "amount": "5"},
    "per_hour": {"model": "per_hour", "free_minutes": 30, "cycle": "24h", "first_minutes": 180, "first_amount": 5,
                 "unit_minutes": 60, "unit_amount": 1, "max_amount": 10},
    "time_segment": {"model": "time_segment", "free_minutes": 0, "cycle": "midnight", "max_amount": 12, "segments": [
        {"start": "06:00", "end": "22:00", "amount": 5}, {"start": "22:00", "end": "06:00", "amount": "2.5"}]},
    "tiered": {"model": "tiered", "free_minutes": 120, "cycle": "24h", "tiers": [
        {"up_to_minutes": 480, "amount": 5}, {"up_to_minutes": 1380, "amount": 10},
        {"up_to_minutes": 1440, "amount": 15}]},
}


def stays(count=1000):
    """Typical stays: mostly a few hours, some over midnight, a few over several days; some with history."""
    base = datetime(2024, 5, 1, 7, 0)
    result = []
    for index in range(count):
        entry = base + timedelta(minutes=(index * 37) % 1440)
        minutes = (20, 95, 200, 420, 900, 1500, 3000)[index % 7]
        history = [(entry - timedelta(hours=8), entry - timedelta(hours=1), Decimal("9"))] if index % 5 == 0 else ()
        result.append((entry, entry + timedelta(minutes=minutes), history))
    return result


def rate(rule, samples, seconds):
    """Fee computations per second over about ``seconds`` of wall time."""
    done, started = 0, time.perf_counter()
    while True:
        for entry, exit, history in samples:
            compute_fee(rule, entry, exit, history)
        done += len(samples)
        elapsed = time.perf_counter() - started
        if elapsed >= seconds:
            return done / elapsed


def bench_engine(seconds):
    print("1. engine: compute_fee per second, one core (%d typical stays, 1 in 5 with history)" % len(stays()))
    samples = stays()
    for model, raw in RULES.items():
        validated = rate(validate_rule(raw), samples, seconds)
        unvalidated = rate(raw, samples, seconds)
        print("   %-13s validated rule %9.0f fees/s   raw dict %9.0f fees/s" % (model, validated, unvalidated))
        record(BENCH, "fee engine, %s, one core" % model, validated, "fees/s", unvalidated,
               "rule validated on every call", ("value", ">=", TARGET_ENGINE))
    print("   target: >= %d fees/s/core (validated rule)" % TARGET_ENGINE)



# ---------------------------------------------------------------- services (sections 2 and 3)
def conf():
    parser = configparser.ConfigParser()
    parser.read(ROOT / "odoo.conf")
    return parser


def pg_port():
    return int(os.environ.get("EP_PG_PORT") or conf()["options"]["db_port"])


def pg_connect(db):
    import psycopg2  # only the sections that need services need it

    options = conf()["options"]
    return psycopg2.connect(dbname=db, host=options["db_host"], user=options["db_user"],
                            password=options["db_password"], port=pg_port())


def odoo_command(*args):
    """How tools/ep runs Odoo: the project's odoo-bin with odoo.conf and the project's PostgreSQL port."""
    return [sys.executable, str(ROOT / "bin" / "odoo-bin"), "-c", str(ROOT / "odoo.conf"),
            "--db_port", str(pg_port())] + list(args)


def has_ep_parking(db):
    try:
        connection = pg_connect(db)
    except Exception:  # noqa: BLE001 -- no such database (or no server): created below, or the error shows then
        return False
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT state FROM ir_module_module WHERE name = 'ep_parking'")
        row = cursor.fetchone()
        return bool(row) and row[0] == "installed"
    except Exception:  # noqa: BLE001 -- an empty or foreign database
        return False
    finally:
        connection.close()


def prepare_db(db, update):
    """Create ``db`` with ep_parking and demo data when missing (as tools/ep db does), or upgrade it."""
    log = ROOT / ".state" / "log" / "bench-db.log"
    if has_ep_parking(db) and not update:
        return
    mode = "-u" if has_ep_parking(db) else "-i"
    print("   %s ep_parking in database %s (log: %s) ..." % ("upgrading" if mode == "-u" else "creating", db, log),
          flush=True)
    started = time.monotonic()
    done = subprocess.run(odoo_command("-d", db, mode, "ep_parking", "--stop-after-init", "--no-http",
                                       "--logfile", str(log)), cwd=str(ROOT), check=False)
    if done.returncode or not has_ep_parking(db):
        raise SystemExit("installing ep_parking in %s failed; see %s" % (db, log))
    print("   ... done in %.0f s" % (time.monotonic() - started))


def port_free(port):
    probe = socket.socket()
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers bind: TIME_WAIT is no conflict
    try:
        probe.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        probe.close()


def free_port(first):
    for port in range(first, LAST_PORT + 1):
        if port_free(port):
            return port
    raise SystemExit("no free port in %d-%d" % (first, LAST_PORT))


def wait_http(port, path, process, what, timeout=180):
    """Until GET ``path`` answers with any status (the server has loaded what it needs)."""
    deadline = time.monotonic() + timeout
    while True:
        if process is not None and process.poll() is not None:
            raise SystemExit("%s exited with %s" % (what, process.returncode))
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request("GET", path, headers={"Authorization": "Bearer " + VENDOR_TOKEN})
            connection.getresponse().read()
            connection.close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit("%s did not answer on port %d" % (what, port)) from None
            time.sleep(0.5)


def start_odoo(db, port):
    """The server as `make run` starts it (tools/ep run): odoo.conf's threaded mode, one database."""
    log = ROOT / ".state" / "log" / "bench-odoo.log"
    process = subprocess.Popen(odoo_command("-d", db, "--db-filter", "^%s$" % db, "--http-port", str(port),
                                            "--logfile", str(log)),
                               cwd=str(ROOT), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_http(port, fee_path("粤B00000"), process, "the Odoo server (see %s)" % log)
    return process


def start_baseline(port):
    process = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--serve-baseline", str(port)],
                               cwd=str(ROOT), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_http(port, fee_path("粤B00000"), process, "the baseline server", timeout=30)
    return process


def stop(process):
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def baseline_app(environ, start_response):
    """A bare WSGI JSON endpoint: checks the token, echoes the plate in a body shaped like the fee answer."""
    query = dict(pair.partition("=")[::2] for pair in environ.get("QUERY_STRING", "").split("&") if pair)
    if environ.get("HTTP_AUTHORIZATION", "") != "Bearer " + VENDOR_TOKEN:
        status, payload = "401 Unauthorized", {"result": 40101, "message": "bad token"}
    else:
        status, payload = "200 OK", {
            "result": 0, "plate": query.get("plate", ""), "entry_time": "2024-05-01 08:00:00", "minutes": 250,
            "fee": "7.00", "amount_due": "7.00", "paid": "0.00", "month_card": False, "coupons": [],
            "pay_until": None, "lines": [{"label": "First 3 hours", "amount": "5.00"},
                                         {"label": "Then per hour", "amount": "2.00"}]}
    body = json.dumps(payload, ensure_ascii=False).encode()
    start_response(status, [("Content-Type", "application/json; charset=utf-8"), ("Content-Length", str(len(body)))])
    return [body]


def serve_baseline(port):
    """Child process: werkzeug's threaded server, as Odoo's (ThreadedWSGIServer + WSGIRequestHandler),
    with its request log on, as Odoo logs every request at level info."""
    import logging

    import werkzeug.serving

    logging.basicConfig(filename=str(ROOT / ".state" / "log" / "bench-baseline.log"), level=logging.INFO)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    werkzeug.serving.make_server("127.0.0.1", port, baseline_app, threaded=True).serve_forever()


# ---------------------------------------------------------------- HTTP driver
def fee_path(plate):
    return "/ep/api/v1/fee?lot=%s&plate=%s" % (quote(LOT_CODE), quote(plate))


def bench_plates(count):
    return ["粤B%05d" % (10000 + index) for index in range(count)]


def post_json(connection, path, payload):
    connection.request("POST", path, body=json.dumps(payload, ensure_ascii=False).encode(),
                       headers={"Authorization": "Bearer " + VENDOR_TOKEN, "Content-Type": "application/json"})
    response = connection.getresponse()
    return response.status, json.loads(response.read() or b"null")


def create_cars(port, plates):
    """Entries of ``plates`` into SZ-001 through the vendor API; returns (created, already stored, failed)."""
    now = datetime.now(ZoneInfo(LOT_TZ)).replace(tzinfo=None, microsecond=0)
    rng = random.Random(5)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    counts = [0, 0, 0]
    for plate in plates:
        entry = now - timedelta(minutes=rng.randrange(0, 20 * 60))
        status, answer = post_json(connection, "/ep/api/v1/passages", {
            "lot": LOT_CODE, "plate": plate, "direction": "in", "gate": ENTRY_GATE,
            "time": entry.strftime("%Y-%m-%d %H:%M:%S"), "event_id": "tariff-bench-in-%s" % plate})
        if status != 200 or (answer or {}).get("result") != 0:
            counts[2] += 1
            if counts[2] == 1:
                print("   passage of %s refused: %s %s" % (plate, status, answer))
        else:
            counts[1 if answer.get("duplicate") else 0] += 1
    connection.close()
    return counts


def client(port, plates, stop_at, latencies, errors, seed):
    rng = random.Random(seed)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": "Bearer " + VENDOR_TOKEN}
    mine, failed = [], 0
    while time.perf_counter() < stop_at:
        path = fee_path(rng.choice(plates))
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read()
            if response.status != 200 or b'"result": 0' not in body:
                failed += 1
        except (OSError, http.client.HTTPException):
            failed += 1
            connection.close()
        mine.append(time.perf_counter() - started)
    connection.close()
    latencies.extend(mine)  # list.extend is atomic under the GIL
    errors.append(failed)


def drive(port, plates, clients, duration):
    """``clients`` threads hammer the fee endpoint for ``duration`` s; returns (requests/s, latencies s, errors)."""
    latencies, errors = [], []
    stop_at = time.perf_counter() + duration
    threads = [threading.Thread(target=client, args=(port, plates, stop_at, latencies, errors, seed))
               for seed in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return len(latencies) / elapsed, sorted(latencies), sum(errors)


def percentile(ordered, fraction):
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))] if ordered else float("nan")


def figures(label, result):
    rps, ordered, errors = result
    ms = [1000 * percentile(ordered, q) for q in (0.5, 0.9, 0.99, 1.0)]
    print("   %-28s %7.0f req/s  p50 %7.1f  p90 %7.1f  p99 %7.1f  max %7.1f ms  (%d requests, %d errors)"
          % (label, rps, ms[0], ms[1], ms[2], ms[3], len(ordered), errors))
    return rps, ms


def bench_fee_query(args):
    print("2. fee query: GET /ep/api/v1/fee, %d clients x %.0f s, database %s, lot %s"
          % (args.clients, args.duration, args.db, LOT_CODE))
    server = baseline = None
    try:
        if args.url:
            parts = urlsplit(args.url)
            port = parts.port or 80
            print("   reusing the Odoo server at %s" % args.url)
        else:
            prepare_db(args.db, args.update)
            port = free_port(args.port)
            server = start_odoo(args.db, port)
            print("   Odoo server (threaded, as `make run`) started on port %d" % port)
        plates = bench_plates(args.cars)
        started = time.perf_counter()
        created, stored, failed = create_cars(port, plates)
        print("   cars in %s: %d entries posted, %d already stored, %d refused (%.1f s)"
              % (LOT_CODE, created, stored, failed, time.perf_counter() - started))
        drive(port, plates, args.clients, min(2.0, args.duration))  # warm-up: caches, threads, connections
        ours = figures("odoo, %d clients" % args.clients, drive(port, plates, args.clients, args.duration))
        ours_one = figures("odoo, 1 client", drive(port, plates, 1, min(5.0, args.duration)))
        baseline_port = free_port(port + 1)
        baseline = start_baseline(baseline_port)
        drive(baseline_port, plates, args.clients, min(2.0, args.duration))
        base = figures("bare WSGI, %d clients" % args.clients,
                       drive(baseline_port, plates, args.clients, args.duration))
        base_one = figures("bare WSGI, 1 client", drive(baseline_port, plates, 1, min(5.0, args.duration)))
    finally:
        stop(baseline)
        stop(server)
    print("   ours / baseline (%d clients): throughput %.2f, p50 x%.1f, p99 x%.1f; 1 client: p50 x%.1f, p99 x%.1f"
          % (args.clients, ours[0] / base[0], ours[1][0] / base[1][0], ours[1][2] / base[1][2],
             ours_one[1][0] / base_one[1][0], ours_one[1][2] / base_one[1][2]))
    print("   target: p99 <= %.0f ms at %d clients -> measured p99 %.1f ms (%s)"
          % (TARGET_P99_MS, args.clients, ours[1][2], "met" if ours[1][2] <= TARGET_P99_MS else "not met"))
    baseline_label = "bare WSGI JSON endpoint"
    record(BENCH, "fee query p99, %d clients" % args.clients, ours[1][2], "ms", base[1][2], baseline_label,
           ("value", "<=", TARGET_P99_MS))
    record(BENCH, "fee query throughput, %d clients" % args.clients, ours[0], "req/s", base[0], baseline_label)
    record(BENCH, "fee query p50, 1 client", ours_one[1][0], "ms", base_one[1][0], baseline_label)


# ---------------------------------------------------------------- in process
def bench_fee_inprocess(args):
    print("3. fee query in process: env['ep.parking.order']._get_fee_quote(lot, plate), database %s" % args.db)
    sys.path.insert(0, str(ROOT / "runtime"))
    os.chdir(str(ROOT))  # odoo.conf's paths are relative to the repository root (as bin/odoo-bin does)
    importlib.import_module("odoo_py311")  # the Python 3.11 compatibility module, before odoo
    import odoo
    from odoo import SUPERUSER_ID, api

    odoo.tools.config.parse_config(["-c", str(ROOT / "odoo.conf"), "--db_port", str(pg_port()),
                                    "--logfile", str(ROOT / ".state" / "log" / "bench-inprocess.log")])
    prepare_db(args.db, False)
    plates = bench_plates(args.cars)
    with api.Environment.manage():
        registry = odoo.registry(args.db)
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            orders = env["ep.parking.order"]
            lot = env["ep.parking.lot"]._find_by_code(LOT_CODE)
            present = [plate for plate in plates if env["ep.parking.unplated"]._lookup_plate(lot, plate)]
            if not present:
                print("   no bench car in %s: run section fee first" % LOT_CODE)
                return
            rng = random.Random(3)
            for plate in present[:50]:  # warm-up
                orders._get_fee_quote(lot, plate)
            latencies, stop_at = [], time.perf_counter() + min(5.0, args.duration)
            while time.perf_counter() < stop_at:
                plate = rng.choice(present)
                env.clear()  # each HTTP request starts with an empty cache
                started = time.perf_counter()
                orders._quote_to_json(orders._get_fee_quote(lot, plate))
                latencies.append(time.perf_counter() - started)
            cr.rollback()
    latencies.sort()
    total = sum(latencies)
    print("   %d quotes (+ JSON) of %d cars: %.0f quotes/s, p50 %.2f ms, p99 %.2f ms (one thread, cold cache each)"
          % (len(latencies), len(present), len(latencies) / total, 1000 * percentile(latencies, 0.5),
             1000 * percentile(latencies, 0.99)))
    record(BENCH, "fee quote in process (ORM, no HTTP), p50", 1000 * percentile(latencies, 0.5), "ms")


SECTIONS = {"engine": lambda args: bench_engine(args.seconds), "fee": bench_fee_query,
            "inprocess": bench_fee_inprocess}
NEEDS_SERVICES = ("fee", "inprocess")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="engine: time spent per measurement")
    parser.add_argument("--section", action="append", choices=list(SECTIONS),
                        help="run only this section (repeatable); default: all")
    parser.add_argument("--skip-server", action="store_true", help="skip the sections needing PostgreSQL/Odoo")
    parser.add_argument("--db", default="ep_bench", help="bench database (created with demo data if missing)")
    parser.add_argument("--update", action="store_true", help="upgrade ep_parking in --db before the run")
    parser.add_argument("--port", type=int, default=8293, help="first port tried for the servers (up to 8299)")
    parser.add_argument("--url", help="reuse this running Odoo server (serving --db) instead of starting one")
    parser.add_argument("--cars", type=int, default=500, help="cars entered into SZ-001")
    parser.add_argument("--clients", type=int, default=50, help="concurrent client threads")
    parser.add_argument("--duration", type=float, default=10.0, help="fee: seconds per load measurement")
    parser.add_argument("--serve-baseline", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_baseline:
        serve_baseline(args.serve_baseline)
        return
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop the servers we started
    sections = args.section or list(SECTIONS)
    if args.skip_server:
        sections = [name for name in sections if name not in NEEDS_SERVICES]
    for name in sections:
        SECTIONS[name](args)


if __name__ == "__main__":
    main()
