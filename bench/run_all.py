"""`make bench`: runs every bench of this folder, prints one table, writes bench/RESULTS.md.

    tools/ep bench                  # every bench at its documented size (the soak alone takes 10 minutes)
    tools/ep bench --only soak      # one bench (repeatable); the others keep their last figures
    tools/ep bench --quick          # small sizes and a 2-minute soak, to see that everything runs

tools/ep has started PostgreSQL and Mosquitto and made the database ep_bench (every EP addon with its
demo data). Each bench prints its own report (kept in .state/log/bench-<name>.log) and records its
figures (bench/benchlib.py); a bench that fails is reported and the others still run.
The table: figure, our value, the baseline or limit measured in the same run, the ratio, the target.
Each bench's last figures are kept in bench/results.json (with when, on which commit and at which
load average it ran), from which bench/RESULTS.md is written; --quick runs write neither.
"""
import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchlib import table, target_met

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DB = "ep_bench"


def benches(quick):
    """(name, script, arguments) of every bench, at the documented size or a quick one."""
    return [
        ("tariff", "tariff_bench.py", ["--db", DB] + (["--duration", "5", "--cars", "200"] if quick else [])),
        ("bridge", "bridge_bench.py", ["--db", DB, "--count", "3000" if quick else "20000"]),
        ("monthcard import", "monthcard_import_bench.py", ["--db", DB, "--rows", "2000"]),
        ("reports", "reports_bench.py",  # its own database: the data set is made once, then reused
         ["--db", "ep_bench_reports_200k", "--passages", "200000", "--lots", "200", "--export-rows", "50000",
          "--naive-rows", "10000"] if quick else
         ["--db", "ep_bench_reports_1m", "--passages", "1000000", "--export-rows", "1000000"]),
        ("soak", "soak_bench.py", ["--db", DB, "--minutes", "2" if quick else "10"]
         + (["--warmup", "20"] if quick else [])),
    ]


def command_output(*command):
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def machine():
    """What the figures were measured on."""
    cpu = "unknown"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as meminfo:
        memory = int(meminfo.readline().split()[1]) / 2 ** 20
    os_name = platform.platform()
    if Path("/etc/os-release").exists():
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                os_name = line.split("=", 1)[1].strip('"')
    postgres = Path(os.environ.get("EP_PG_BIN", "/usr/lib/postgresql/15/bin")) / "postgres"
    mosquitto = command_output("dpkg-query", "-W", "-f=${Version}", "mosquitto")
    return [
        ("date", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
        ("commit", command_output("git", "-C", str(ROOT), "describe", "--always", "--dirty")),
        ("CPU", "%s, %d cores" % (cpu, os.cpu_count())),
        ("memory", "%.1f GiB" % memory),
        ("load average at start", "%.2f %.2f %.2f" % os.getloadavg()),
        ("OS", "%s, kernel %s" % (os_name, platform.release())),
        ("Python", platform.python_version()),
        ("PostgreSQL", command_output(str(postgres), "--version")),
        ("Mosquitto", mosquitto),
    ]


def run(name, script, arguments, results, log):
    """One bench in its own process; its output goes to the terminal and to its log."""
    print("\n=== %s: %s %s" % (name, script, " ".join(arguments)), flush=True)
    started = time.monotonic()
    with open(log, "w") as output:
        process = subprocess.Popen([sys.executable, "-u", str(BENCH / script)] + arguments, cwd=str(BENCH),
                                   env=dict(os.environ, EP_BENCH_RESULTS=results), stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True)
        for line in process.stdout:
            sys.stdout.write(line)
            output.write(line)
        process.wait()
    print("=== %s: %s in %.0f s" % (name, "done" if process.returncode == 0 else "FAILED (exit %d)"
                                    % process.returncode, time.monotonic() - started), flush=True)
    return process.returncode


def run_benches(args, logs):
    """{bench name: its entry} for every bench run now: when, on which commit, at which load, its rows."""
    entries = {}
    for name, script, arguments in benches(args.quick):
        if args.only and name not in args.only:
            continue
        with tempfile.NamedTemporaryFile("r", suffix=".jsonl") as results:
            entry = {"date": dict(machine())["date"], "commit": dict(machine())["commit"],
                     "load": "%.2f" % os.getloadavg()[0], "quick": args.quick}
            started = time.monotonic()
            code = run(name, script, arguments, results.name, logs / ("bench-%s.log" % name.replace(" ", "-")))
            entry.update(rows=[json.loads(line) for line in results.read().splitlines() if line.strip()],
                         failed=bool(code), minutes=round((time.monotonic() - started) / 60, 1))
        entries[name] = entry
    return entries


def write_results(path, entries, about):
    """RESULTS.md from the last entry of every bench (bench/results.json keeps them between runs)."""
    order = [name for name, _, _ in benches(False)]
    names = sorted(entries, key=lambda name: order.index(name) if name in order else len(order))
    lines = ["# Bench results", "",
             "Written by `make bench` (bench/run_all.py; `make bench ARGS=\"--only soak\"` runs one bench and "
             "keeps the others' last figures, from bench/results.json). Every baseline is measured in the same run, "
             "on the same machine; the ratio is ours / baseline. Targets are checks on the value or on the ratio; a "
             "missed one is **no**. Each bench's own report: `.state/log/bench-<name>.log`; what each figure "
             "measures: the docstring at the top of its script.", "", "## Machine", ""]
    lines += ["- %s: %s" % pair for pair in about if pair[0] not in ("date", "commit", "load average at start")]
    lines += ["", "## Runs", "", "| bench | measured | commit | load average at its start | minutes | |",
              "|---|---|---|---:|---:|---|"]
    for name in names:
        entry = entries[name]
        lines.append("| %s | %s | %s | %s | %s | %s |" % (name, entry["date"], entry["commit"], entry["load"],
                                                        entry["minutes"], "FAILED" if entry["failed"] else ""))
    lines += ["", "## Figures", "", table([row for name in names for row in entries[name]["rows"]]), ""]
    Path(path).write_text("\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes, a 2-minute soak (RESULTS.md untouched)")
    parser.add_argument("--only", action="append", help="run only this bench (repeatable; e.g. soak)")
    args = parser.parse_args()
    logs = ROOT / ".state" / "log"
    logs.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    entries = run_benches(args, logs)
    rows = [row for entry in entries.values() for row in entry["rows"]]
    failed = [name for name, entry in entries.items() if entry["failed"]]
    print("\n" + table(rows))
    missed = [row for row in rows if target_met(row) is False]
    print("\n%d figures, %d targets missed%s; %.0f minutes" % (
        len(rows), len(missed), "; benches failed: %s" % ", ".join(failed) if failed else "",
        (time.monotonic() - started) / 60))
    if not args.quick:
        store = BENCH / "results.json"
        kept = json.loads(store.read_text()) if store.exists() else {}
        # a bench that failed before its first figure keeps its last figures (its failure is printed above)
        kept.update({name: entry for name, entry in entries.items() if entry["rows"] or name not in kept})
        store.write_text(json.dumps(kept, ensure_ascii=False, indent=1) + "\n")
        write_results(BENCH / "RESULTS.md", kept, machine())
        print("written: bench/RESULTS.md")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
