"""Summarise an Odoo 11 test run from its log: LOG OUT.json EXIT_CODE [ADDONS].

Odoo 11 reports each test module through the logger of that module
("Ran N tests in …", "OK" / "FAILED (failures=…, errors=…)"), runs tests only in
databases with demo data and skips them silently otherwise. A run counts as failed
when the server exited non-zero, when any EP addon ran no test, or when anything
logged at ERROR/CRITICAL outside a test's own report (an exception during install,
a broken view, a post-install crash).
"""
import json
import re
import sys

LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) \S+ (?P<logger>\S+): (?P<msg>.*)$")
TEST_LOGGER = re.compile(r"^odoo\.addons\.(?P<addon>\w+)\.tests\.")
RAN = re.compile(r"^Ran (\d+) tests? in ")
FAILURE = re.compile(r"^(FAIL|ERROR): ")  # unittest's header of each failed test
SUMMARY = re.compile(r"^ ?\((.*)\)$")  # " (failures=1, skipped=2)" after "OK"/"FAILED"
SKIPPED = re.compile(r"skipped=(\d+)")
# Consequences of failures already counted, not failures of their own.
FOLLOW_UPS = ("At least one test failed", "Module ")
EP_ADDONS = ("ep_device_bridge", "ep_parking", "ep_monthcard", "ep_coupon", "ep_charging", "ep_einvoice")


def parse(lines):
    ran, failed, skipped = {}, 0, 0
    problems, current = [], None
    for raw in lines:
        match = LINE.match(raw)
        if not match:
            if current is not None and raw.strip():
                current.append(raw.rstrip())
            continue
        level, logger, msg = match.group("level"), match.group("logger"), match.group("msg")
        current = None
        test = TEST_LOGGER.match(logger)
        if test:
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


if __name__ == "__main__":
    main(*sys.argv[1:5])
