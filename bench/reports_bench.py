"""Reports benchmark (issue 13): prints figures, asserts nothing.

    tools/ep start
    .venv/bin/python bench/reports_bench.py                          # 1M passages over 1000 lots and a year
    .venv/bin/python bench/reports_bench.py --passages 10000000      # the full data set (~15 min to make)
    .venv/bin/python bench/reports_bench.py --export-rows 1000000    # the 1M-row xlsx export

Database --db (default ep_bench_reports) is created with ep_parking and its demo data when missing; the
data set is generated into it once (``generate``: regions, --lots lots, --passages entry/exit records over
--days days, paid orders, abnormal openings — bulk COPY, as a vendor's year would have left them) and
reused by later runs with the same sizes.

Figures, each next to the naive way of getting the same number (ORM ``search`` of the records, then a
Python loop), as a ratio, both measured in this run:
  1. dashboard — ``ep.parking.dashboard._get_kpis()`` for the busiest day, as a manager (every lot) and as
     an operator of one region (the record rules in the queries). Target <= 300 ms.
  2. reports   — the income report (due vs received per lot and month, a year) and the revenue-leak
     report (abnormal openings and fee lost per lot and kind) through ``read_group``, as the operator.
  3. export    — --export-rows exit records streamed from a server-side cursor into an xlsx file
     (``lib.xlsx.write_xlsx``, constant memory), in a child process: time and peak RSS. Targets for
     1M rows: <= 60 s and <= 200 MB. Naive: the ORM's ``search_read`` of --naive-rows rows into
     ``xlsx_bytes`` (in memory), extrapolated per row.
"""
import argparse
import importlib
import io
import os
import random
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import record  # noqa: E402  (the bench folder's shared helpers)
from tariff_bench import pg_port, prepare_db  # noqa: E402

TZ_OFFSET = timedelta(hours=8)  # lot time (China) for picking the busiest day
CODE_PREFIX = "BR-"


# ---------------------------------------------------------------- Odoo in this process
_ODOO = []


def odoo_env(db):
    """Odoo loaded in this process (once), ``db`` made ready."""
    if _ODOO:
        return _ODOO[0]
    sys.path.insert(0, str(ROOT / "runtime"))
    os.chdir(str(ROOT))
    importlib.import_module("odoo_py311")
    import odoo

    odoo.tools.config.parse_config(["-c", str(ROOT / "odoo.conf"), "--db_port", str(pg_port()),
                                    "--logfile", str(ROOT / ".state" / "log" / "bench-reports.log")])
    prepare_db(db, False)
    _ODOO.append(odoo)
    return odoo


def timed(function, repeat=3):
    """(best seconds of ``repeat`` runs, the result)."""
    best, result = None, None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def line(label, ours, naive, target_ms=None):
    ratio = naive / ours if ours else float("inf")
    print("   %-44s %9.1f ms   naive %9.1f ms   x%6.1f faster%s" % (
        label, ours * 1000, naive * 1000, ratio, ("   target <= %.0f ms" % target_ms) if target_ms else ""))
    record("reports", label, ours * 1000, "ms", naive * 1000, "naive ORM search + Python loop",
           ("value", "<=", target_ms) if target_ms else None)


# ---------------------------------------------------------------- the data set
def generated_count(cursor):
    cursor.execute("SELECT COUNT(*) FROM ep_parking_passage p JOIN ep_parking_lot l ON l.id = p.lot_id "
                   "WHERE l.code LIKE %s", [CODE_PREFIX + "%"])
    return cursor.fetchone()[0]


def make_lots(env, lots, regions=10):
    """``regions`` regions of 10 divisions each, ``lots`` lots spread over them (ORM: few rows)."""
    Lot, Region = env["ep.parking.lot"], env["ep.parking.region"]
    existing = Lot.search([("code", "=like", CODE_PREFIX + "%")])
    if len(existing) >= lots:
        return existing[:lots]
    company = Region.search([("code", "=", "BR")], limit=1) or Region.create(
        {"name": "Bench Group", "code": "BR", "kind": "company"})
    divisions = []
    for r in range(regions):
        code = "BR-R%02d" % r
        region = Region.search([("code", "=", code)], limit=1) or Region.create(
            {"name": "Bench Region %02d" % r, "code": code, "kind": "region", "parent_id": company.id})
        for d in range(10):
            dcode = "%s-D%d" % (code, d)
            divisions.append(Region.search([("code", "=", dcode)], limit=1) or Region.create(
                {"name": "Bench Division %02d-%d" % (r, d), "code": dcode, "kind": "division", "parent_id": region.id}))
    for index in range(len(existing), lots):
        existing |= Lot.create({"name": "Bench Lot %04d" % index, "code": "%sL%04d" % (CODE_PREFIX, index),
                                "region_id": divisions[index % len(divisions)].id})
    return existing


def copy_rows(cursor, table, columns, rows):
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join("\\N" if value is None else str(value) for value in row))
        buffer.write("\n")
    buffer.seek(0)
    cursor.copy_expert("COPY %s (%s) FROM STDIN" % (table, ", ".join(columns)), buffer)


def generate(db, lots_wanted, passages, days):
    """Fill ``db`` with the data set (skipped when it holds it already)."""
    odoo = odoo_env(db)
    from odoo import SUPERUSER_ID, api

    with api.Environment.manage(), odoo.registry(db).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        have = generated_count(cr)
        if have >= passages:
            print("   data set present: %d passages" % have)
            return
        started = time.monotonic()
        lots = make_lots(env, lots_wanted)
        cr.commit()
        channel = env.ref("ep_parking.payment_method_wechat").id
        company = env.user.company_id.id
        lot_rows = [(lot.id, lot.region_id.id) for lot in lots]
        rng = random.Random(13)
        end = datetime.utcnow().replace(microsecond=0)
        start = end - timedelta(days=days)
        span = int((end - start).total_seconds())
        stays = (passages - have) // 2
        chunk = 100000
        made = 0
        print("   generating %d stays (%d passages) over %d lots and %d days ..." % (
            stays, stays * 2, len(lot_rows), days), flush=True)
        while made < stays:
            count = min(chunk, stays - made)
            passage_rows, order_rows, opening_rows = [], [], []
            for index in range(made, made + count):
                lot_id, region_id = lot_rows[rng.randrange(len(lot_rows))]
                entry = start + timedelta(seconds=rng.randrange(span))
                minutes = int(rng.lognormvariate(4.5, 1.0)) + 1
                leave = entry + timedelta(minutes=minutes)
                plate = "粤B%05d" % rng.randrange(100000)
                due = 0 if minutes <= 30 else min(10, 5 + max(0, (minutes - 180 + 59) // 60))
                paid = due if rng.random() > 0.05 else 0
                ref = "br-%d-%d" % (have, index)  # unique across runs that add to the data set
                passage_rows.append(("in", entry, "small", plate, lot_id, region_id, "http", ref + "-in", 1,
                                     None, None))
                passage_rows.append(("out", leave, "small", plate, lot_id, region_id, "http", ref + "-out", 1,
                                     due, paid))
                if paid and rng.random() < 0.3:
                    order_rows.append(("BR%d-%09d" % (have, index), "temporary", channel, lot_id, region_id,
                                       company, "paid", paid, leave, "pay-" + ref))
                if rng.random() < 0.005:
                    opening_rows.append((lot_id, region_id, plate, rng.choice(("remote", "system")), leave, "http",
                                         ref + "-ab", 1, due, True))
            copy_rows(cr, "ep_parking_passage", ("direction", "passage_time", "vehicle_kind", "plate", "lot_id",
                                                 "region_id", "source", "event_ref", "passage_count", "amount_due",
                                                 "amount_paid"), passage_rows)
            copy_rows(cr, "ep_parking_order", ("name", "kind", "channel_id", "lot_id", "region_id", "company_id",
                                               "state", "amount", "paid_at", "third_party_ref"), order_rows)
            copy_rows(cr, "ep_parking_abnormal_opening", ("lot_id", "region_id", "plate", "kind", "opening_time",
                                                          "source", "event_ref", "opening_count", "estimated_loss",
                                                          "loss_known"), opening_rows)
            cr.commit()
            made += count
            print("   ... %d / %d stays (%.0f s)" % (made, stays, time.monotonic() - started), flush=True)
        cr.execute("ANALYZE ep_parking_passage; ANALYZE ep_parking_order; ANALYZE ep_parking_abnormal_opening")
        cr.commit()
        print("   data set made in %.0f s" % (time.monotonic() - started))


# ---------------------------------------------------------------- 1. and 2.
def bench_queries(db):
    odoo = odoo_env(db)
    from odoo import SUPERUSER_ID, api, fields
    from odoo.addons.ep_parking.lib.reports import day_bounds

    with api.Environment.manage(), odoo.registry(db).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        Users = env["res.users"].with_context(no_reset_password=True)
        region = env["ep.parking.region"].search([("code", "=", "BR-R00")], limit=1)
        operator = Users.search([("login", "=", "bench-operator")]) or Users.create({
            "name": "Bench Operator", "login": "bench-operator",
            "groups_id": [(6, 0, [env.ref("ep_parking.group_operator").id])]})
        operator.ep_region_ids = region
        manager = Users.search([("login", "=", "bench-manager")]) or Users.create({
            "name": "Bench Manager", "login": "bench-manager",
            "groups_id": [(6, 0, [env.ref("ep_parking.group_manager").id])]})
        cr.execute("""SELECT date_trunc('day', passage_time + interval '8 hours') AS day FROM ep_parking_passage
                       GROUP BY 1 ORDER BY COUNT(*) DESC LIMIT 1""")
        busiest = fields.Datetime.from_string(cr.fetchone()[0]) - TZ_OFFSET + timedelta(hours=20)
        now = fields.Datetime.to_string(busiest)
        print("1. dashboard KPIs of %s (lot time), %d passages in the database" % (
            (busiest + TZ_OFFSET).date(), env["ep.parking.passage"].search_count([])))
        for label, user in (("manager (every lot)", manager), ("operator (one region)", operator)):
            uenv = env(user=user.id)

            def naive(uenv=uenv):
                day = [fields.Datetime.to_string(m) for m in day_bounds(busiest, "Asia/Shanghai")]
                passages = uenv["ep.parking.passage"].search([("passage_time", ">=", day[0]),
                                                              ("passage_time", "<", day[1])])
                entries = len([p for p in passages if p.direction == "in"])
                orders = uenv["ep.parking.order"].search([("state", "=", "paid"), ("paid_at", ">=", day[0]),
                                                          ("paid_at", "<", day[1])])
                return entries, sum(order.amount for order in orders)

            ours, kpis = timed(lambda uenv=uenv: (uenv.clear(), uenv["ep.parking.dashboard"]._get_kpis(now))[1])
            slow, result = timed(lambda uenv=uenv: (uenv.clear(), naive())[1], repeat=1)
            line("KPIs as %s" % label, ours, slow, 300)
            print("      entries %d (naive %d), income today %.2f (naive %.2f)" % (
                kpis["entries_today"], result[0], kpis["income_today"], result[1]))

        print("2. reports as the operator (one region), a year")
        uenv = env(user=operator.id)
        year_ago = fields.Datetime.to_string(busiest - timedelta(days=366))

        def income_naive():
            totals = {}
            exits = uenv["ep.parking.passage"].search([("direction", "=", "out"), ("passage_time", ">=", year_ago)])
            for exit_ in exits:
                key = (exit_.lot_id.id, exit_.passage_time[:7])
                due, paid = totals.get(key, (0.0, 0.0))
                totals[key] = (due + exit_.amount_due, paid + exit_.amount_paid)
            return totals

        ours, groups = timed(lambda: (uenv.clear(), uenv["ep.parking.report.income"].read_group(
            [("month", ">=", year_ago[:10])], ["lot_id", "month", "amount_due", "amount_collected"],
            ["lot_id", "month:month"], lazy=False))[1])
        slow, totals = timed(lambda: (uenv.clear(), income_naive())[1], repeat=1)
        line("income report (%d lot-months)" % len(groups), ours, slow)

        def leaks_naive():
            totals = {}
            for opening in uenv["ep.parking.abnormal.opening"].search([]):
                key = (opening.lot_id.id, opening.kind)
                count, loss = totals.get(key, (0, 0.0))
                totals[key] = (count + 1, loss + opening.estimated_loss)
            return totals

        ours, groups = timed(lambda: (uenv.clear(), uenv["ep.parking.abnormal.opening"].read_group(
            [], ["lot_id", "kind", "opening_count", "estimated_loss"], ["lot_id", "kind"], lazy=False))[1])
        slow, totals = timed(lambda: (uenv.clear(), leaks_naive())[1], repeat=1)
        line("revenue leaks (%d lot-kinds, naive %d)" % (len(groups), len(totals)), ours, slow)
        cr.commit()


# ---------------------------------------------------------------- 3.
EXPORT_CHILD = r"""
import sys, time
sys.path.insert(0, sys.argv[1] + "/addons")
from ep_parking.lib.xlsx import write_xlsx
import psycopg2
connection = psycopg2.connect(sys.argv[2])
cursor = connection.cursor(name="ep_export")  # server side: rows arrive in batches, never all at once
cursor.itersize = 5000
cursor.execute("SELECT p.passage_time, l.name, p.plate, p.amount_due, p.amount_paid FROM ep_parking_passage p "
               "JOIN ep_parking_lot l ON l.id = p.lot_id WHERE p.direction = 'out' ORDER BY p.id LIMIT %s",
               [int(sys.argv[3])])
started = time.perf_counter()
count = write_xlsx(sys.argv[4], ["Time", "Lot", "Plate", "Due", "Paid"], cursor)
# the peak RSS of this program (VmHWM: reset by exec, unlike getrusage's, which keeps the parent's fork)
peak = [int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:")][0]
print(count, time.perf_counter() - started, peak)
"""


def bench_export(db, rows, naive_rows):
    import configparser

    parser = configparser.ConfigParser()
    parser.read(ROOT / "odoo.conf")
    options = parser["options"]
    dsn = "dbname=%s host=%s user=%s password=%s port=%s" % (db, options["db_host"], options["db_user"],
                                                             options["db_password"], pg_port())
    target = ROOT / ".state" / "bench-exits.xlsx"
    print("3. xlsx export of %d exit rows (child process, server-side cursor, constant memory)" % rows)
    done = subprocess.run([sys.executable, "-c", EXPORT_CHILD, str(ROOT), dsn, str(rows), str(target)],
                          capture_output=True, text=True, check=True)
    count, seconds, rss_kb = done.stdout.split()
    count, seconds, rss = int(count), float(seconds), int(rss_kb) / 1024
    print("   %d rows in %.1f s (%.0f rows/s), peak RSS %.0f MB, file %.0f MB   targets for 1M rows: <= 60 s, "
          "<= 200 MB" % (count, seconds, count / seconds, rss, target.stat().st_size / 2 ** 20))
    target.unlink()

    odoo = odoo_env(db)
    from odoo import SUPERUSER_ID, api
    from odoo.addons.ep_parking.lib.xlsx import xlsx_bytes

    with api.Environment.manage(), odoo.registry(db).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        started = time.perf_counter()
        columns = ["passage_time", "lot_id", "plate", "amount_due", "amount_paid"]
        records = env["ep.parking.passage"].search_read([("direction", "=", "out")], columns, limit=naive_rows,
                                                        order="id")
        xlsx_bytes(["Time", "Lot", "Plate", "Due", "Paid"],
                   ([r["passage_time"], r["lot_id"][1], r["plate"], r["amount_due"], r["amount_paid"]]
                    for r in records))
        naive = time.perf_counter() - started
    per_row_ours, per_row_naive = seconds / count, naive / len(records)
    print("   naive (ORM search_read, the whole sheet in memory) %d rows in %.1f s: per row x%.1f slower"
          % (len(records), naive, per_row_naive / per_row_ours))
    figure = "xlsx export of %d rows" % count
    record("reports", figure + ", time per 1M rows", per_row_ours * 1e6, "s", per_row_naive * 1e6,
           "naive ORM search_read into memory (%d rows)" % len(records), ("value", "<=", 60))
    record("reports", figure + ", peak RSS", rss, "MB", target=("value", "<=", 200))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="ep_bench_reports")
    parser.add_argument("--lots", type=int, default=1000)
    parser.add_argument("--passages", type=int, default=1000000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--export-rows", type=int, default=200000)
    parser.add_argument("--naive-rows", type=int, default=50000)
    parser.add_argument("--section", choices=("generate", "queries", "export"), action="append")
    args = parser.parse_args()
    sections = args.section or ["generate", "queries", "export"]
    print("Reports bench on %s (%d CPUs)" % (args.db, os.cpu_count()))
    if "generate" in sections:
        generate(args.db, args.lots, args.passages, args.days)
    if "queries" in sections:
        bench_queries(args.db)
    if "export" in sections:
        bench_export(args.db, args.export_rows, args.naive_rows)


if __name__ == "__main__":
    main()
