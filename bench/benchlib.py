"""What the bench scripts share: how a figure is recorded for `make bench`'s table.

Each bench prints its own report and, for the figures that matter, calls ``record``. When the
environment names a results file (``EP_BENCH_RESULTS``, set by bench/run_all.py), the figure is
appended to it as one JSON line; run alone, a bench only prints.

A figure has our value and, where one exists, the baseline or limit measured in the same run
(raw psycopg2, paho through Mosquitto, a bare WSGI app, naive ORM code, the first minute of a soak).
Its target is a check on the value (``("value", "<=", 20)``) or on the ratio value / baseline
(``("ratio", ">=", 0.3)``).
"""
import json
import operator
import os

RESULTS_ENV = "EP_BENCH_RESULTS"
OPERATORS = {"<=": operator.le, ">=": operator.ge, "<": operator.lt, ">": operator.gt}


def record(bench, figure, value, unit, baseline=None, baseline_label="", target=None):
    """Record one figure; ``target`` is ``(on, op, number)`` with ``on`` "value" or "ratio"."""
    row = {"bench": bench, "figure": figure, "value": value, "unit": unit, "baseline": baseline,
           "baseline_label": baseline_label, "target": list(target) if target else None}
    path = os.environ.get(RESULTS_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as results:
            results.write(json.dumps(row, ensure_ascii=False) + "\n")
    return row


def ratio(row):
    if row["baseline"] in (None, 0):
        return None
    return row["value"] / row["baseline"]


def target_met(row):
    """True / False when the figure has a target, None when it has none (or no baseline to compare)."""
    if not row.get("target"):
        return None
    on, op, number = row["target"]
    subject = row["value"] if on == "value" else ratio(row)
    if subject is None:
        return None
    return OPERATORS[op](subject, number)


def target_text(row):
    if not row.get("target"):
        return ""
    on, op, number = row["target"]
    if on == "value":
        return "%s %s %s" % (op, _number(number), row["unit"])
    return "ratio %s %s" % (op, _number(number))


def _number(value):
    if value is None:
        return "-"
    if isinstance(value, float) and not value.is_integer() and abs(value) < 100:
        return "%.3g" % value if abs(value) < 10 else "%.1f" % value
    return "{:,.0f}".format(value)


def table(rows):
    """The Markdown table `make bench` prints and bench/RESULTS.md keeps."""
    lines = ["| figure | ours | baseline / limit (same run) | ratio | target | met |",
             "|---|---:|---|---:|---|:---:|"]
    for row in rows:
        value = "%s %s" % (_number(row["value"]), row["unit"])
        baseline = ("%s %s (%s)" % (_number(row["baseline"]), row["unit"], row["baseline_label"])
                    if row["baseline"] is not None else row["baseline_label"] or "")
        factor = ratio(row)
        met = target_met(row)
        lines.append("| %s: %s | %s | %s | %s | %s | %s |" % (
            row["bench"], row["figure"], value, baseline, "%.2f" % factor if factor is not None else "",
            target_text(row), {True: "yes", False: "**no**", None: ""}[met]))
    return "\n".join(lines)
