"""Tariff benchmark: prints figures, asserts nothing.

    .venv/bin/python bench/tariff_bench.py [--seconds 1.0]

Sections (each a function called from main(); append new ones there):
  1. engine — addons/ep_parking/lib/tariff.compute_fee on one core, for each tariff model,
              with a pre-validated rule (validate_rule once, as the Odoo side should cache it)
              and with a raw dict (validated on every call). Target: >= 100k fees/s/core.
"""
import argparse
import sys
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "addons"))

from ep_parking.lib.tariff import compute_fee, validate_rule  # noqa: E402

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
    print("   target: >= 100000 fees/s/core (validated rule)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="time spent per measurement")
    args = parser.parse_args()
    bench_engine(args.seconds)


if __name__ == "__main__":
    main()
