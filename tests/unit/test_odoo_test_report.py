"""tools/odoo_test_report.py --compare: which of Odoo's own tests pass without our addons and not with them."""
import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))

import odoo_test_report  # noqa: E402

MOD = "odoo.addons.base.tests.test_res_partner"
WEB = "odoo.addons.website.tests.test_ui"


def log(*records):
    """An Odoo test log: (level, logger, message) records as Odoo 11 writes them."""
    return "".join("2026-12-07 14:00:%02d,000 4242 %s db %s: %s\n" % ((n % 60,) + record)
                   for n, record in enumerate(records)) + \
        "Traceback (most recent call last):\n  a line Odoo's logger wrote without its prefix\n"


def started(logger, test):
    return ("INFO", logger, "%s (%s.%s)" % (test.rsplit(".", 1)[1], logger, test))


def failed(logger, test, kind="FAIL"):
    return ("ERROR", logger, "%s: %s (%s.%s)" % (kind, test.rsplit(".", 1)[1], logger, test))


BASELINE = log(
    started(MOD, "TestPartner.test_name"),
    started(MOD, "TestPartner.test_email"),
    started(MOD, "TestPartner.test_broken_anyway"),
    ("ERROR", MOD, "FAIL"),
    started(WEB, "TestUi.test_tour"),
    ("INFO", WEB, "skipped 'PhantomJS not found'"),
    started(WEB, "TestUi.test_page"),
    ("INFO", "odoo.modules.module", "odoo.addons.base.tests.test_res_partner running tests."),
    failed(MOD, "TestPartner.test_broken_anyway"),
    ("ERROR", MOD, "` Traceback (most recent call last):"),
)


@pytest.fixture
def logs(tmp_path):
    def write(with_ep):
        (tmp_path / "base.log").write_text(BASELINE)
        (tmp_path / "ep.log").write_text(with_ep)
        return [str(tmp_path / "base.log"), str(tmp_path / "ep.log"), str(tmp_path / "out.json"), "base,website"]
    return write


def test_outcomes_read_from_unittest_verbose_output(tmp_path):
    (tmp_path / "base.log").write_text(BASELINE)
    outcomes, _ = odoo_test_report.outcomes_of(str(tmp_path / "base.log"))
    assert outcomes == {
        MOD + ".TestPartner.test_name": "passed",
        MOD + ".TestPartner.test_email": "passed",
        MOD + ".TestPartner.test_broken_anyway": "failed",
        WEB + ".TestUi.test_tour": "skipped",
        WEB + ".TestUi.test_page": "passed",
    }


def test_same_outcomes_pass_and_baseline_failures_are_not_ours(logs, capsys):
    args = logs(BASELINE)
    assert odoo_test_report.compare(*args) == 0
    report = json.load(open(args[2]))
    assert report["failed"] == 0 and report["regressions"] == []
    assert report["baseline_failures"] == [MOD + ".TestPartner.test_broken_anyway"]
    assert report["passed"] == 3 and report["skipped"] == 1
    assert "not ours" in capsys.readouterr().out


def test_a_test_failing_only_with_our_addons_fails_the_run(logs, capsys):
    args = logs(log(
        started(MOD, "TestPartner.test_name"),
        started(MOD, "TestPartner.test_email"),
        started(WEB, "TestUi.test_page"),
        failed(MOD, "TestPartner.test_email", "ERROR"),
        ("ERROR", MOD, "` psycopg2.IntegrityError: null value in column \"ep_code\""),
    ))
    assert odoo_test_report.compare(*args) == 1
    report = json.load(open(args[2]))
    assert report["regressions"] == [MOD + ".TestPartner.test_email"]
    out = capsys.readouterr().out
    assert "null value in column" in out  # the traceback of the regression is shown


def test_a_test_that_no_longer_runs_counts_as_not_passing(logs):
    # a setUpClass failing only with our addons: its tests never start
    args = logs(log(
        started(MOD, "TestPartner.test_broken_anyway"),
        ("ERROR", WEB, "ERROR: setUpClass (%s.TestUi)" % WEB),
    ))
    assert odoo_test_report.compare(*args) == 1
    report = json.load(open(args[2]))
    assert report["regressions"] == [
        MOD + ".TestPartner.test_email", MOD + ".TestPartner.test_name",
        WEB + ".TestUi.test_page", WEB + ".TestUi.setUpClass"]


def test_an_addon_without_any_test_run_fails_the_run(logs):
    args = logs(BASELINE)
    args[3] = "base,website,portal"
    assert odoo_test_report.compare(*args) == 1


def test_command_line_exit_code(logs):
    args = logs(log(started(MOD, "TestPartner.test_name")))
    tool = os.path.join(ROOT, "tools", "odoo_test_report.py")
    assert subprocess.run([sys.executable, tool, "--compare"] + args, capture_output=True).returncode == 1
    args = logs(BASELINE)
    assert subprocess.run([sys.executable, tool, "--compare"] + args, capture_output=True).returncode == 0


def test_a_listed_intended_failure_is_shown_not_counted_and_must_stay_true(logs, tmp_path, capsys):
    expected = tmp_path / "expected.txt"
    expected.write_text("# why\n%s.TestPartner.test_email  we change e-mails on purpose\n" % MOD)
    args = logs(log(
        started(MOD, "TestPartner.test_name"),
        started(MOD, "TestPartner.test_email"),
        started(WEB, "TestUi.test_page"),
        failed(MOD, "TestPartner.test_email"),
    ))
    assert odoo_test_report.compare(*args, str(expected)) == 0
    assert "we change e-mails on purpose" in capsys.readouterr().out
    assert json.load(open(args[2]))["intended"] == [MOD + ".TestPartner.test_email"]
    # the test passes again: the list is stale
    args = logs(BASELINE)
    assert odoo_test_report.compare(*args, str(expected)) == 1
    assert "remove it" in capsys.readouterr().out


def test_the_expected_failures_of_test_host_are_odoo_tests_with_a_reason():
    expected = odoo_test_report.expected_failures(os.path.join(ROOT, "tests", "odoo_host_expected_failures.txt"))
    assert expected
    for test, reason in expected.items():
        assert test.startswith("odoo.addons.") and len(reason) > 40, test
