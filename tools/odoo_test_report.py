"""Summarise an Odoo 11 test run from its log: LOG OUT.json EXIT_CODE [ADDONS],
or compare two runs of the same tests: --compare BASELINE_LOG LOG OUT.json ADDONS [EXPECTED].

Odoo 11 reports each test module through the logger of that module
("Ran N tests in …", "OK" / "FAILED (failures=…, errors=…)"), runs tests only in
databases with demo data and skips them silently otherwise. A run counts as failed
when the server exited non-zero, when any EP addon ran no test, or when anything
logged at ERROR/CRITICAL outside a test's own report (an exception during install,
a broken view, a post-install crash).

The comparison (`tools/ep test-host`) reads which tests ran, failed and were skipped
from unittest's verbose output in both logs, and fails when a test of ADDONS that passed
in the baseline did not pass in the other run (failed, errored, or never ran), unless the
EXPECTED file lists it (test id, then the reason: a behaviour changed on purpose); a listed
test that passes again fails the comparison too, so that the list cannot go stale.
"""
import json
import re
import sys

LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) \S+ (?P<logger>\S+): (?P<msg>.*)$")
TEST_LOGGER = re.compile(r"^odoo\.addons\.(?P<addon>\w+)\.tests\.")
RAN = re.compile(r"^Ran (\d+) tests? in ")
FAILURE = re.compile(r"^(FAIL|ERROR): ")  # unittest's header of each failed test
# "test_x (odoo.addons.m.tests.test_y.Class.test_x)" as a test starts, the same after
# "FAIL: "/"ERROR: " when it failed; "setUpClass (odoo.addons.m.tests.test_y.Class)" too.
TEST = re.compile(r"^(?:(?:FAIL|ERROR): )?(\w+) \(([\w.]+)\)")
SUMMARY = re.compile(r"^ ?\((.*)\)$")  # " (failures=1, skipped=2)" after "OK"/"FAILED"
SKIPPED = re.compile(r"skipped=(\d+)")
# Consequences of failures already counted, not failures of their own.
FOLLOW_UPS = ("At least one test failed", "Module ")
EP_ADDONS = ("ep_device_bridge", "ep_parking", "ep_monthcard", "ep_coupon", "ep_charging", "ep_einvoice")


def test_id(match):
    name, where = match.groups()
    return where if where.endswith("." + name) else where + "." + name


def parse(lines, outcomes=None):
    """Tests run, failed, skipped per addon and ERROR reports in an Odoo log; with
    OUTCOMES (a dict), also each test's outcome: {id: "passed" | "failed" | "skipped"}."""
    outcomes = {} if outcomes is None else outcomes
    ran, failed, skipped = {}, 0, 0
    problems, current, started = [], None, {}
    for raw in lines:
        match = LINE.match(raw)
        if not match:
            if current is not None and raw.strip():
                current.append(raw.rstrip())
            continue
        level, logger, msg = match.group("level"), match.group("logger"), match.group("msg")
        if (msg.startswith(("` ", "Traceback")) and current is not None
                and LINE.match(current[0]).group("logger") == logger):
            current.append(raw.rstrip())  # next line of a traceback a test logger reported
            continue
        current = None
        test = TEST_LOGGER.match(logger)
        if test:
            named = TEST.match(msg)
            if named and FAILURE.match(msg):
                outcomes[test_id(named)] = "failed"
            elif named:
                started[logger] = test_id(named)
                outcomes.setdefault(started[logger], "passed")
            elif msg.startswith("skipped ") and started.get(logger):
                outcomes[started[logger]] = "skipped"
            if RAN.match(msg):
                ran[test.group("addon")] = ran.get(test.group("addon"), 0) + int(RAN.match(msg).group(1))
            elif FAILURE.match(msg):
                failed += 1
            elif SUMMARY.match(msg) and SKIPPED.search(msg):
                skipped += int(SKIPPED.search(msg).group(1))
            if level in ("ERROR", "CRITICAL"):
                problems.append([raw.rstrip()])
                current = problems[-1]
            continue
        if level in ("ERROR", "CRITICAL") and not msg.startswith(FOLLOW_UPS):
            problems.append([raw.rstrip()])
            current = problems[-1]
    return ran, failed, skipped, problems


def main(log_path, out_path, exit_code, addons=None):
    with open(log_path, encoding="utf-8", errors="replace") as handle:
        ran, failed, skipped, problems = parse(handle)
    total = sum(ran.values())
    extra = []
    for addon in addons.split(",") if addons else EP_ADDONS:
        if not ran.get(addon):
            extra.append("%s ran no test (Odoo skips tests in a database without demo data)" % addon)
    untested_errors = [p for p in problems if not TEST_LOGGER.match(LINE.match(p[0]).group("logger"))]
    if untested_errors:
        extra.append("%d ERROR line(s) in the server log outside the tests" % len(untested_errors))
    if int(exit_code) != 0 and not failed and not extra:
        extra.append("the server exited with code %s" % exit_code)
    report = {"name": "odoo", "passed": total - failed - skipped, "failed": failed + len(extra),
              "skipped": skipped, "per_addon": ran, "problems": extra, "log": log_path}
    with open(out_path, "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=1)
    for problem in problems[:20]:
        print("\n".join(problem[:40]))
    for line in extra:
        print("FAILED: " + line)
    print("odoo tests run per addon: %s" % (", ".join("%s %d" % item for item in sorted(ran.items())) or "none"))


def outcomes_of(log_path):
    outcomes = {}
    with open(log_path, encoding="utf-8", errors="replace") as handle:
        problems = parse(handle, outcomes)[3]
    return outcomes, problems


def addon_of(test):
    return test.split(".")[2] if test.startswith("odoo.addons.") else "?"


def expected_failures(path):
    """{test id: reason} from a file of "id reason" lines (# comments)."""
    expected = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip() and not line.startswith("#"):
                test, _, reason = line.strip().partition(" ")
                expected[test] = reason.strip()
    return expected


def compare(baseline_log, log, out_path, addons, expected_path=None):
    """Print both runs per addon; return 1 when a test passing in the baseline did not pass in LOG."""
    addons = addons.split(",")
    expected = expected_failures(expected_path) if expected_path else {}
    baseline, _ = outcomes_of(baseline_log)
    outcomes, problems = outcomes_of(log)
    print("%-22s %-32s %s" % ("", "baseline (without EP addons)", "with the EP addons"))
    counts = {}
    for addon in addons:
        row = []
        for run in (baseline, outcomes):
            mine = [o for t, o in run.items() if addon_of(t) == addon]
            row.append("%4d passed %3d failed %3d skipped"
                       % tuple(mine.count(o) for o in ("passed", "failed", "skipped")))
        counts[addon] = row
        print("%-22s %-32s %s" % (addon, row[0], row[1]))
    both = sorted(t for t, o in baseline.items() if o == "failed" and addon_of(t) in addons)
    if both:
        print("\nfailing without the EP addons already (not ours, not compared):")
        print("\n".join("  " + t for t in both))
    regressions = sorted(t for t, o in baseline.items()
                         if o == "passed" and addon_of(t) in addons and outcomes.get(t) != "passed")
    # a setUpClass that fails only with our addons stops its tests: they count as not passed above
    regressions += sorted(t for t, o in outcomes.items() if o == "failed" and addon_of(t) in addons
                          and t not in baseline and t.endswith(".setUpClass"))
    intended = [t for t in regressions if t in expected]
    regressions = [t for t in regressions if t not in expected]
    stale = sorted(t for t in expected if outcomes.get(t) == "passed" or baseline.get(t) != "passed")
    problems_ = [p for p in problems if any(t in line for t in regressions for line in p[:3])]
    unrun = [a for a in addons if not any(addon_of(t) == a for t in baseline)
             or not any(addon_of(t) == a for t in outcomes)]
    for addon in unrun:
        print("FAILED: %s ran no test in one of the runs" % addon)
    if intended:
        print("\nfailing only with the EP addons, as intended (%s):" % expected_path)
        print("\n".join("  %s: %s" % (t, expected[t]) for t in intended))
    for test in stale:
        print("FAILED: %s is listed in %s but does not fail only with the EP addons: remove it"
              % (test, expected_path))
    if regressions:
        print("\nFAILED: %d test(s) pass without the EP addons and not with them:" % len(regressions))
        for test in regressions:
            print("  %s (%s)" % (test, outcomes.get(test, "did not run")))
        for problem in problems_[:20]:
            print("\n".join(problem[:40]))
    report = {"name": "odoo-host", "failed": len(regressions) + len(unrun) + len(stale), "intended": intended,
              "passed": sum(1 for t, o in outcomes.items() if o == "passed" and addon_of(t) in addons),
              "skipped": sum(1 for t, o in outcomes.items() if o == "skipped" and addon_of(t) in addons),
              "per_addon": counts, "baseline_failures": both, "regressions": regressions,
              "log": log, "baseline_log": baseline_log}
    with open(out_path, "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=1)
    return 1 if report["failed"] else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--compare"]:
        sys.exit(compare(*sys.argv[2:7]))
    main(*sys.argv[1:5])
