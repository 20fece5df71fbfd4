"""Month-card import bench (seed 000 §2.3.3 月卡导入): seconds for a 2000-row import, from upload to stored.

    .venv/bin/python bench/monthcard_import_bench.py [--db ep_test_a] [--rows 2000] [--user lotstaff]

In process on an Odoo registry of --db (one cursor, no HTTP): an import of the demo lot SZ-001
(ep_parking.lot_sz001_demo, its rule 地面 100) is created with a generated xlsx of --rows cards
(one in four with a sub plate), then checked (整表检测, 行检测) and stored (入库). Prints the time of
each step and the totals to rows-checked and to stored; everything is rolled back at the end.
Prints figures, never asserts (target: <= 3 s from upload to stored for 2000 rows).
"""
import argparse
import base64
import configparser
import importlib
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib  # noqa: E402  (the bench folder's shared helpers)

TARGET_SECONDS = 3.0


def pg_port():
    conf = configparser.ConfigParser()
    conf.read(ROOT / "odoo.conf")
    return int(os.environ.get("EP_PG_PORT") or conf["options"]["db_port"])


def card_rows(count, customers=True):
    start = date.today().replace(day=1)
    end = start + timedelta(days=364)
    validity = "%s-%s" % (start.strftime("%Y/%m/%d"), end.strftime("%Y/%m/%d"))
    rows = []
    for n in range(count):
        sub = "粤Y%05d" % n if n % 4 == 0 else ""
        rows.append(["车主%d" % n if customers else "", "139%08d" % n, "粤Z%05d" % n, sub, "地面 100", 100, validity,
                     "一卡多车" if sub else "", 1, "Z-%d" % n, ""])
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="ep_test_a", help="database with ep_monthcard and its demo data")
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--no-customers", action="store_true", help="leave 客户 (holder names) empty")
    parser.add_argument("--user", default=None, help="run as this login (default: the superuser)")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "runtime"))
    os.chdir(str(ROOT))  # odoo.conf's paths are relative to the repository root (as bin/odoo-bin does)
    importlib.import_module("odoo_py311")  # the Python 3.11 compatibility module, before odoo
    import odoo
    from odoo import SUPERUSER_ID, api

    odoo.tools.config.parse_config(["-c", str(ROOT / "odoo.conf"), "--db_port", str(pg_port()),
                                    "--logfile", str(ROOT / ".state" / "log" / "bench-monthcard-import.log")])
    print("month-card import of %d rows (%s), database %s"
          % (args.rows, "no holder names" if args.no_customers else "each with a holder name", args.db))
    with api.Environment.manage():
        registry = odoo.registry(args.db)
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            if args.user:
                env = env(user=env["res.users"].search([("login", "=", args.user)]).id)
            from odoo.addons.ep_monthcard.lib import card_import  # the addons path is known once loaded
            from odoo.addons.ep_monthcard.models.ep_monthcard_import import xlsx_bytes

            lot = env.ref("ep_parking.lot_sz001_demo")
            started = time.perf_counter()
            rows = card_import.template_rows(lot.name) + card_rows(args.rows, not args.no_customers)
            data = base64.b64encode(xlsx_bytes(rows))
            print("   xlsx written (not counted):   %6.2f s, %d bytes" % (time.perf_counter() - started, len(data)))
            env.clear()
            timings = []
            started = time.perf_counter()
            record = env["ep.monthcard.import"].create({"lot_id": lot.id, "file": data, "filename": "bench.xlsx"})
            timings.append(("upload (create with the file)", time.perf_counter() - started))
            for label, action in (("整表检测 check sheet", record.action_check_sheet),
                                  ("行检测 check rows", record.action_check_rows),
                                  ("入库 store", record.action_store)):
                step = time.perf_counter()
                action()
                timings.append((label, time.perf_counter() - step))
                if label.startswith("行检测"):
                    to_rows = time.perf_counter() - started
            total = time.perf_counter() - started
            for label, seconds in timings:
                print("   %-30s %6.2f s" % (label + ":", seconds))
            print("   state %s: %d rows, %d valid, %d issues, %d cards stored"
                  % (record.state, record.row_count, record.valid_count, record.error_count, record.stored_count))
            print("   upload -> rows checked: %6.2f s" % to_rows)
            print("   upload -> stored:       %6.2f s (%.0f cards/s; target <= %.0f s: %s)"
                  % (total, record.stored_count / total if total else 0, TARGET_SECONDS,
                     "met" if total <= TARGET_SECONDS else "not met"))
            cr.rollback()
            # baseline, same run: the same cards created one by one through the ORM (a sample, scaled)
            sample = min(args.rows, 200)
            rule = env["ep.monthcard.rule"].search([("lot_id", "=", lot.id), ("name", "=", "地面 100")], limit=1)
            Card = env["ep.monthcard"].with_context(tracking_disable=True, mail_create_nolog=True)
            env.clear()
            step = time.perf_counter()
            for n in range(sample):
                Card.create({"lot_id": lot.id, "rule_id": rule.id, "plate": "粤Z%05d" % n, "phone": "139%08d" % n,
                             "holder_name": "车主%d" % n, "state": "created",
                             "date_start": "2030-01-01 00:00:00", "date_end": "2030-12-31 15:59:59"})
            per_card = (time.perf_counter() - step) / sample
            cr.rollback()
            print("   baseline: ORM create one by one: %.1f ms a card -> %.2f s for %d cards; the import's store "
                  "is x%.1f faster" % (per_card * 1000, per_card * args.rows, args.rows,
                                       per_card * args.rows / dict(timings)["入库 store"]))
            figure = "month-card import, %d rows" % args.rows
            benchlib.record("monthcard", figure + ", upload to stored", total, "s",
                            target=("value", "<=", TARGET_SECONDS))
            benchlib.record("monthcard", figure + ", store step", dict(timings)["入库 store"], "s",
                            per_card * args.rows, "naive ORM create one card a call (%d sampled)" % sample)
    print("   rolled back")


if __name__ == "__main__":
    main()
