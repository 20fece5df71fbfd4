"""bench/benchlib.py: the verdicts `make bench` prints must follow the recorded figures."""
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import benchlib  # noqa: E402


def test_record_appends_a_json_line_only_when_asked(tmp_path, monkeypatch):
    monkeypatch.delenv(benchlib.RESULTS_ENV, raising=False)
    benchlib.record("b", "not kept", 1, "x")
    results = tmp_path / "results.jsonl"
    monkeypatch.setenv(benchlib.RESULTS_ENV, str(results))
    benchlib.record("b", "kept", 2.5, "ms", 5, "base", ("value", "<=", 3))
    benchlib.record("b", "kept too", 7, "ms")
    rows = [json.loads(line) for line in results.read_text().splitlines()]
    assert [row["figure"] for row in rows] == ["kept", "kept too"]
    assert rows[0]["target"] == ["value", "<=", 3]


@pytest.mark.parametrize("value, baseline, target, met", [
    (10, 20, ("value", "<=", 20), True),
    (25, 20, ("value", "<=", 20), False),
    (0.4, 1, ("ratio", ">=", 0.3), True),
    (20, 100, ("ratio", ">=", 0.3), False),
    (5, None, ("ratio", ">=", 0.3), None),  # no baseline: no verdict
    (5, 2, None, None),
])
def test_target_met(value, baseline, target, met):
    row = {"value": value, "baseline": baseline, "target": target, "unit": "ms"}
    assert benchlib.target_met(row) is met


def test_table_shows_ratio_and_a_missed_target():
    rows = [{"bench": "bridge", "figure": "events", "value": 300.0, "unit": "events/s", "baseline": 1000.0,
             "baseline_label": "raw INSERT", "target": ["ratio", ">=", 0.3]},
            {"bench": "tariff", "figure": "p99", "value": 42.0, "unit": "ms", "baseline": None,
             "baseline_label": "", "target": ["value", "<=", 20]}]
    lines = benchlib.table(rows).splitlines()
    assert lines[2] == "| bridge: events | 300 events/s | 1,000 events/s (raw INSERT) | 0.30 | ratio >= 0.3 | yes |"
    assert lines[3] == "| tariff: p99 | 42 ms |  |  | <= 20 ms | **no** |"
