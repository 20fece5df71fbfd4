"""Add up the test reports of one `make test` run: REPORTS_DIR SECONDS [ONLY_FILE].

pytest stages leave JUnit XML, the Odoo stage a JSON summary (odoo_test_report.py).
Prints one line per stage and the closing line "N passed, N failed"; exits 1 on any
failure or when a stage left no report or ran no test.
"""
import glob
import json
import os
import sys
import xml.etree.ElementTree as ET

STAGES = ("pure", "compat", "odoo", "integration", "reliability", "odoo-host")


def junit(path):
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    total = sum(int(s.get("tests", 0)) for s in suites)
    failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
    skipped = sum(int(s.get("skipped", 0)) for s in suites)
    return {"passed": total - failed - skipped, "failed": failed, "skipped": skipped, "problems": []}


def main(reports, seconds, only=None):
    results = {}
    for path in sorted(glob.glob(os.path.join(reports, "*"))):
        name, ext = os.path.splitext(os.path.basename(path))
        if only and os.path.basename(path) != only:
            continue
        if ext == ".xml":
            results[name] = junit(path)
        elif ext == ".json":
            with open(path, encoding="utf-8") as handle:
                results[name] = json.load(handle)
    expected = [os.path.splitext(only)[0]] if only else STAGES
    passed = failed = 0
    for stage in expected:
        result = results.get(stage)
        if result is None:
            print("%-12s no report: the stage did not run" % stage)
            failed += 1
            continue
        stage_failed = result["failed"] + (1 if result["passed"] + result["failed"] == 0 else 0)
        print("%-12s %4d passed, %d failed, %d skipped" % (stage, result["passed"], stage_failed,
                                                           result.get("skipped", 0)))
        passed += result["passed"]
        failed += stage_failed
    if int(seconds):
        print("test run took %d s" % int(seconds))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
