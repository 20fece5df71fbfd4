from datetime import datetime
from decimal import Decimal

import pytest

from ep_charging.lib.tou import charge_cost, validate_tou

# seed 004 §2.1: 平 00:00 0.8, 峰 10:00 0.9, 尖 17:00 1.0, 谷 22:00 0.5 (service 0.4 throughout here)
SEED = [
    {"type": "flat", "start": "00:00", "electricity": Decimal("0.8"), "service": Decimal("0.4")},
    {"type": "peak", "start": "10:00", "electricity": Decimal("0.9"), "service": Decimal("0.4")},
    {"type": "sharp", "start": "17:00", "electricity": Decimal("1.0"), "service": Decimal("0.4")},
    {"type": "valley", "start": "22:00", "electricity": Decimal("0.5"), "service": Decimal("0.4")},
]
D = Decimal


def at(day, hour, minute=0):
    return datetime(2026, 12, day, hour, minute)


def test_seed_tariff_is_valid_and_closed():
    result = validate_tou(SEED)
    assert [(s["type"], s["start"], s["end"]) for s in result] == [
        ("flat", "00:00", "10:00"), ("peak", "10:00", "17:00"), ("sharp", "17:00", "22:00"),
        ("valley", "22:00", "24:00")]
    assert result[1]["electricity"] == D("0.9")


def test_prices_may_be_int_or_str():
    result = validate_tou([{"type": "flat", "start": "00:00", "electricity": 1, "service": "0.25"}])
    assert (result[0]["end"], result[0]["electricity"], result[0]["service"]) == ("24:00", D(1), D("0.25"))


@pytest.mark.parametrize("segments, rule", [
    ([dict(SEED[0], start="00:30")] + SEED[1:], "rule 2"),
    (SEED[:2] + [dict(SEED[2], start="10:00")] + SEED[3:], "rule 1"),
    (SEED[:1] + [SEED[2], SEED[1]] + SEED[3:], "rule 1"),
    (SEED + [dict(SEED[0], start="24:00")], "rule"),
    (SEED + [dict(SEED[1], start="23:00", electricity=D("1.2"))], "rule 4"),
    (SEED + [dict(SEED[1], start="23:00", service=D("0.5"))], "rule 4"),
    ([], "rule 1"),
])
def test_each_broken_rule_is_named(segments, rule):
    with pytest.raises(ValueError, match=rule):
        validate_tou(segments)


def test_same_type_twice_with_the_same_prices_is_fine():
    result = validate_tou(SEED + [dict(SEED[0], start="23:00")])
    assert [(s["type"], s["end"]) for s in result][-2:] == [("valley", "23:00"), ("flat", "24:00")]


@pytest.mark.parametrize("bad", [
    dict(SEED[0], type="super"), dict(SEED[0], start="7:5"), dict(SEED[0], start="00:60"),
    dict(SEED[0], start="25:00"), dict(SEED[0], electricity=0.8), dict(SEED[0], service="-0.1"),
    {"type": "flat", "start": "00:00", "electricity": D(1)},
])
def test_bad_segments_are_refused(bad):
    with pytest.raises(ValueError):
        validate_tou([bad] + SEED[1:])


def test_session_inside_one_segment():
    cost = charge_cost(SEED, [(at(3, 11), 0), (at(3, 12), 10)])
    assert cost == (D("9.00"), D("4.00"), D("13.00"), [("peak", D("10.000"), D("9.00"), D("4.00"))])


def test_session_across_a_segment_boundary_is_spread_evenly():
    cost = charge_cost(SEED, [(at(3, 9), 0), (at(3, 11), 10)])
    assert cost.electricity == D("8.50")  # 5 kWh at 0.8 + 5 kWh at 0.9
    assert [line[:2] for line in cost.lines] == [("flat", D("5.000")), ("peak", D("5.000"))]


def test_intermediate_readings_place_the_energy():
    cost = charge_cost(SEED, [(at(3, 9), 0), (at(3, 10), 1), (at(3, 11), 5)])
    assert cost.electricity == D("4.40")  # 1 kWh flat + 4 kWh peak, not 2.5 + 2.5


def test_session_across_midnight():
    cost = charge_cost(SEED, [(at(3, 21), "100.5"), (at(4, 1), "108.5")])
    assert [line[:3] for line in cost.lines] == [
        ("flat", D("2.000"), D("1.60")), ("sharp", D("2.000"), D("2.00")), ("valley", D("4.000"), D("2.00"))]
    assert (cost.electricity, cost.service, cost.total) == (D("5.60"), D("3.20"), D("8.80"))


def test_session_over_several_days():
    cost = charge_cost(SEED, [(at(3, 0), 0), (at(5, 0), 48)])
    # each day: flat 10 h, peak 7 h, sharp 5 h, valley 2 h at 1 kWh an hour
    assert {line[0]: line[1] for line in cost.lines} == {
        "flat": D("20.000"), "peak": D("14.000"), "sharp": D("10.000"), "valley": D("4.000")}
    assert cost.electricity == D("40.60")


def test_rounded_once_at_the_end():
    tariff = [{"type": "flat", "start": "00:00", "electricity": "0.005", "service": "0.005"}]
    cost = charge_cost(tariff, [(at(3, 0), 0), (at(3, 1), 1), (at(3, 2), 2), (at(3, 3), 3)])
    assert (cost.electricity, cost.service, cost.total) == (D("0.02"), D("0.02"), D("0.04"))  # not 3 × 0.01


def test_two_readings_at_the_same_instant():
    cost = charge_cost(SEED, [(at(3, 17), 0), (at(3, 17), 2), (at(3, 17), 2)])
    assert cost.lines == [("sharp", D("2.000"), D("2.00"), D("0.80"))]


def test_no_energy_costs_nothing():
    assert charge_cost(SEED, [(at(3, 9), 5), (at(3, 11), 5)]) == (D("0.00"), D("0.00"), D("0.00"), [])


@pytest.mark.parametrize("readings", [
    [(at(3, 9), 0)],
    [(at(3, 10), 0), (at(3, 9), 1)],
    [(at(3, 9), 5), (at(3, 10), 4)],
    [(at(3, 9), 0), (at(3, 10), 1.5)],
    [("2026-12-03 09:00", 0), (at(3, 10), 1)],
])
def test_bad_readings_are_refused(readings):
    with pytest.raises(ValueError):
        charge_cost(SEED, readings)
