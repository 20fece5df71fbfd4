import pickle
import random
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from ep_parking.lib.tariff import LABELS, FeeResult, Label, compute_fee, validate_rule

D = Decimal
T0 = datetime(2024, 5, 1, 8, 0)

PER_HOUR = {"model": "per_hour", "free_minutes": 30, "cycle": "24h", "first_minutes": 180, "first_amount": 5,
            "unit_minutes": 60, "unit_amount": 1, "max_amount": 10}
TIERED = {"model": "tiered", "free_minutes": 120, "cycle": "24h", "tiers": [
    {"up_to_minutes": 480, "amount": 5}, {"up_to_minutes": 1380, "amount": 10}, {"up_to_minutes": 1440, "amount": 15}]}
PER_ENTRY = {"model": "per_entry", "free_minutes": 60, "cycle": "midnight", "amount": "5"}
SEGMENTS = {"model": "time_segment", "free_minutes": 0, "cycle": "midnight", "segments": [
    {"start": "22:00", "end": "06:00", "amount": "2.50"}, {"start": "06:00", "end": "22:00", "amount": 5}]}


def at(hours=0, minutes=0, seconds=0, start=T0):
    return start + timedelta(hours=hours, minutes=minutes, seconds=seconds)


def fee(rule, entry, exit, history=()):
    result = compute_fee(rule, entry, exit, history)
    assert sum((amount for _label, amount in result.lines), D("0")) == result.amount
    assert result.amount.as_tuple().exponent == -2
    return result.amount


# ------------------------------------------------------------------ seed examples

def test_seed_per_hour_without_repeat():
    first = compute_fee(PER_HOUR, T0, at(7))
    assert first.amount == D("9.00")
    assert [(str(label), amount) for label, amount in first.lines] == [
        ("First 180 min", D("5")), ("4 x 60 min", D("4"))]
    history = [(T0, at(7), first.amount)]
    second = compute_fee(PER_HOUR, at(8), at(10), history)
    assert second.amount == D("1.00")
    assert second.lines[-1][0].key == "paid_earlier"
    history.append((at(8), at(10), second.amount))
    assert fee(PER_HOUR, at(11), at(15), history) == 0
    assert fee(PER_HOUR, at(20), at(23, 59), history) == 0
    # the next 24 h cycle (anchored on the first entry) pays again
    assert fee(PER_HOUR, at(24, 30), at(26), history) == D("5")


def test_seed_per_hour_with_repeat():
    rule = dict(PER_HOUR, repeat=True)
    assert fee(rule, T0, at(7)) == D("9")
    history = [(T0, at(7), D("9"))]
    assert fee(rule, at(8), at(10), history) == D("5")
    history.append((at(8), at(10), D("5")))
    assert fee(rule, at(11), at(13), history) == D("5")
    assert fee(rule, at(11), at(23), history) == D("10")  # still capped per cycle


def test_seed_per_hour_blocks():
    assert fee(PER_HOUR, T0, at(0, 30)) == 0
    assert fee(PER_HOUR, T0, at(0, 30, 1)) == D("5")
    assert fee(PER_HOUR, T0, at(3)) == D("5")
    assert fee(PER_HOUR, T0, at(3, 0, 1)) == D("6")
    assert fee(PER_HOUR, T0, at(4)) == D("6")
    assert fee(PER_HOUR, T0, at(8)) == D("10")
    assert fee(PER_HOUR, T0, at(24)) == D("10")


@pytest.mark.parametrize("minutes, amount", [
    (0, 0), (120, 0), (121, 5), (480, 5), (481, 10), (1380, 10), (1381, 15), (1440, 15)])
def test_seed_tiered(minutes, amount):
    assert fee(TIERED, T0, at(minutes=minutes)) == amount


# ------------------------------------------------------------------ models and cycles

def test_tiered_several_cycles():
    # a full cycle pays the last tier, the rest is priced by the tiers alone (no free minutes)
    assert fee(TIERED, T0, at(24, 1)) == D("20")
    assert fee(TIERED, T0, at(48 + 9)) == D("40")
    capped = dict(TIERED, max_amount=12)
    assert fee(capped, T0, at(48 + 23, 30)) == D("36")
    assert fee(capped, T0, at(48, 30)) == D("29")
    result = compute_fee(TIERED, T0, at(72 + 1))
    assert result.amount == D("50")
    assert [label.key for label, _amount in result.lines] == ["cycle", "tier", "full_cycles", "cycle", "tier"]
    assert str(result.lines[2][0]) == "2 full cycles from 2024-05-02 08:00"


def test_tiered_midnight_across_midnight():
    rule = dict(TIERED, cycle="midnight")
    night = datetime(2024, 5, 1, 22, 0)
    assert fee(rule, night, night + timedelta(hours=2)) == 0  # free stay, even over midnight
    assert fee(rule, night, night + timedelta(hours=4)) == D("10")  # 120 min on each day
    assert fee(rule, night, night + timedelta(hours=26)) == D("20")  # 120 min (5), then a full day (15)


def test_tiered_beyond_last_tier_pays_last_tier():
    rule = {"model": "tiered", "free_minutes": 0, "cycle": "24h", "tiers": [{"up_to_minutes": 60, "amount": 3}]}
    result = compute_fee(rule, T0, at(5))
    assert result.amount == D("3")
    assert result.lines[0][0].key == "tier_over"


def test_per_entry_per_cycle_touched():
    assert fee(PER_ENTRY, T0, at(1)) == 0
    assert fee(PER_ENTRY, T0, at(1, 1)) == D("5")
    assert fee(PER_ENTRY, T0, at(15, 59)) == D("5")
    assert fee(PER_ENTRY, T0, at(16, 1)) == D("10")  # over midnight
    assert fee(PER_ENTRY, T0, at(16)) == D("5")  # exits at midnight sharp: one cycle
    assert fee(PER_ENTRY, T0, at(16 + 48, 1)) == D("20")
    rule = dict(PER_ENTRY, cycle="24h", max_amount="3.5")
    assert fee(rule, T0, at(24)) == D("3.5")
    assert fee(rule, T0, at(24, 1)) == D("7")


def test_per_entry_ignores_history():
    history = [(at(-2), at(-1), D("5"))]
    assert fee(PER_ENTRY, T0, at(2), history) == D("5")


def test_time_segment_windows():
    assert fee(SEGMENTS, at(1), at(2)) == D("5")
    assert fee(SEGMENTS, at(13), at(15)) == D("7.5")  # 21:00-23:00 touches day and night
    morning = datetime(2024, 5, 1, 5, 0)
    assert fee(SEGMENTS, morning, morning + timedelta(hours=2)) == D("7.5")
    # night window over midnight is charged again in the new calendar-day cycle
    night = datetime(2024, 5, 1, 23, 0)
    result = compute_fee(SEGMENTS, night, night + timedelta(hours=2))
    assert result.amount == D("5")
    assert [str(label) for label, _amount in result.lines] == [
        "Cycle 2024-05-01 00:00", "2024-05-01 22:00-06:00", "Cycle 2024-05-02 00:00", "2024-05-01 22:00-06:00"]
    capped = dict(SEGMENTS, max_amount=6)
    assert fee(capped, datetime(2024, 5, 1, 5), datetime(2024, 5, 3, 23)) == D("18")


def test_time_segment_24h_cycle_overlapping_a_window_twice():
    rule = dict(SEGMENTS, cycle="24h", segments=[
        {"start": "00:00", "end": "12:00", "amount": 1}, {"start": "12:00", "end": "24:00", "amount": 2}])
    # 08:00 -> 08:00: morning of day 1, afternoon, morning of day 2
    assert fee(rule, T0, at(24)) == D("4")
    assert fee(rule, T0, at(24, 1)) == D("5")  # next cycle starts in the morning window again


def test_min_amount_before_cap():
    rule = {"model": "per_hour", "free_minutes": 0, "cycle": "midnight", "first_minutes": 60, "first_amount": 2,
            "unit_minutes": 30, "unit_amount": "0.5", "min_amount": 4, "max_amount": 6}
    result = compute_fee(rule, T0, at(1))
    assert result.amount == D("4")
    assert [label.key for label, _amount in result.lines] == ["first_block", "minimum"]
    assert fee(rule, T0, at(4)) == D("5")
    assert fee(rule, T0, at(15)) == D("6")
    assert fee(rule, T0, at(16, 10)) == D("10")  # 6 (cap) + 4 (minimum of the 10 minutes after midnight)


def test_per_hour_24h_anchor_on_history():
    rule = dict(PER_HOUR, max_amount=8)
    history = [(at(-20), at(-19), D("5")), (at(-30), at(-29), D("5"))]
    # anchored at -20 h: cycle ends at +4 h; 5 already paid -> 3 left in this cycle
    result = compute_fee(rule, T0, at(6), history)
    assert result.amount == D("3") + D("5")
    assert result.lines[0][0] == "Cycle 2024-04-30 12:00"
    # a stay in history starting 24 h or more before does not anchor
    assert fee(rule, T0, at(2), [(at(-24), at(-23), D("8"))]) == D("5")


def test_per_hour_midnight_history_of_the_day():
    rule = dict(PER_HOUR, cycle="midnight")
    history = [(at(-9), at(-8), D("5")), (at(-1), at(0, -30), D("4"))]  # yesterday 23:00, today 07:00
    assert fee(rule, T0, at(10), history) == D("6")
    assert fee(dict(rule, max_amount=None), T0, at(2), history) == D("5")  # no cap: history changes nothing


def test_exit_equal_entry_is_free_and_exit_before_entry_fails():
    assert fee(PER_HOUR, T0, T0) == 0
    with pytest.raises(ValueError, match="exit"):
        compute_fee(PER_HOUR, T0, at(-1))


def test_result_and_labels():
    result = compute_fee(PER_HOUR, T0, at(0, 10))
    assert isinstance(result, FeeResult)
    amount, lines = result
    assert amount == 0 and lines == [("Free 30 min", D("0"))]
    label = lines[0][0]
    assert isinstance(label, Label) and label.key == "free" and label.params == {"minutes": 30}
    assert LABELS[label.key] % label.params == label
    assert pickle.loads(pickle.dumps(label)).params == {"minutes": 30}


# ------------------------------------------------------------------ validation

def test_validate_rule_normalises():
    rule = validate_rule(dict(SEGMENTS, max_amount="20", extra="ignored"))
    assert rule["max_amount"] == D("20.00") and rule["min_amount"] is None
    assert [s["start"] for s in rule["segments"]] == ["06:00", "22:00"]
    assert "extra" not in rule
    assert validate_rule(rule) is rule
    assert compute_fee(rule, T0, at(1)).amount == D("5")
    with pytest.raises(TypeError):
        rule["max_amount"] = 1
    assert validate_rule(PER_HOUR)["repeat"] is False


def test_plain_dict_changed_in_place_is_validated_again():
    rule = dict(PER_HOUR)
    assert fee(rule, T0, at(7)) == D("9")
    rule["unit_amount"] = "2"
    assert fee(rule, T0, at(7)) == D("10")
    rule["unit_amount"] = 2.0
    with pytest.raises(ValueError, match="unit_amount"):
        compute_fee(rule, T0, at(7))


@pytest.mark.parametrize("change, field", [
    ({"model": "hourly"}, "model"),
    ({"cycle": "week"}, "cycle"),
    ({"cycle": None}, "cycle"),
    ({"free_minutes": None}, "free_minutes"),
    ({"free_minutes": -1}, "free_minutes"),
    ({"free_minutes": 1.5}, "free_minutes"),
    ({"first_minutes": 0}, "first_minutes"),
    ({"first_amount": None}, "first_amount"),
    ({"first_amount": -5}, "first_amount"),
    ({"first_amount": 5.0}, "first_amount"),
    ({"first_amount": "abc"}, "first_amount"),
    ({"first_amount": "1.234"}, "first_amount"),
    ({"first_amount": "NaN"}, "first_amount"),
    ({"unit_minutes": None}, "unit_minutes"),
    ({"unit_amount": "-0.01"}, "unit_amount"),
    ({"max_amount": -1}, "max_amount"),
    ({"min_amount": 11}, "min_amount"),
    ({"repeat": "yes"}, "repeat"),
])
def test_invalid_per_hour(change, field):
    with pytest.raises(ValueError, match=r"^%s" % field):
        validate_rule(dict(PER_HOUR, **change))


def test_invalid_missing_model_keys():
    with pytest.raises(ValueError, match="^amount"):
        validate_rule({"model": "per_entry", "free_minutes": 0, "cycle": "24h"})
    with pytest.raises(ValueError, match="^rule"):
        validate_rule([("model", "per_entry")])


@pytest.mark.parametrize("segments, message", [
    (None, "segments: required"),
    ([], "segments: required"),
    ([{"start": "00:00", "end": "12:00", "amount": 1}], "segments: gap from 12:00 to 00:00"),
    ([{"start": "00:00", "end": "13:00", "amount": 1}, {"start": "12:00", "end": "00:00", "amount": 1}],
     "segments: overlap at 12:00"),
    ([{"start": "00:00", "end": "11:00", "amount": 1}, {"start": "12:00", "end": "24:00", "amount": 1}],
     "segments: gap from 11:00 to 12:00"),
    ([{"start": "22:00", "end": "07:00", "amount": 1}, {"start": "06:00", "end": "22:00", "amount": 1}],
     "segments: overlap at 06:00"),
    ([{"start": "0:00", "end": "24:00", "amount": 1}], r"segments\[0\].start"),
    ([{"start": "00:00", "end": "24:61", "amount": 1}], r"segments\[0\].end"),
    ([{"start": "24:00", "end": "00:00", "amount": 1}], r"segments\[0\].start"),
    ([{"start": "00:00", "end": "00:00", "amount": -1}], r"segments\[0\].amount"),
    (["00:00-24:00"], r"segments\[0\]"),
])
def test_invalid_segments(segments, message):
    with pytest.raises(ValueError, match=message):
        validate_rule(dict(SEGMENTS, segments=segments))


def test_whole_day_segment():
    rule = dict(SEGMENTS, segments=[{"start": "08:00", "end": "08:00", "amount": 3}], cycle="24h")
    assert fee(rule, T0, at(23)) == D("3")


@pytest.mark.parametrize("tiers, message", [
    (None, "tiers: required"),
    ([{"up_to_minutes": 480, "amount": 5}, {"up_to_minutes": 120, "amount": 10}], r"tiers\[1\].up_to_minutes"),
    ([{"up_to_minutes": 480, "amount": 5}, {"up_to_minutes": 480, "amount": 10}], r"tiers\[1\].up_to_minutes"),
    ([{"up_to_minutes": 480, "amount": 5}, {"up_to_minutes": 600, "amount": 4}], r"tiers\[1\].amount"),
    ([{"up_to_minutes": 1441, "amount": 5}], r"tiers\[0\].up_to_minutes"),
    ([{"up_to_minutes": 60}], r"tiers\[0\].amount: required"),
    ([{"amount": 1}], r"tiers\[0\].up_to_minutes: required"),
])
def test_invalid_tiers(tiers, message):
    with pytest.raises(ValueError, match=message):
        validate_rule(dict(TIERED, tiers=tiers))


def test_history_amount_must_not_be_float():
    with pytest.raises(ValueError, match="amount_charged"):
        compute_fee(PER_HOUR, T0, at(2), [(at(-1), at(-0.5), 5.0)])


# ------------------------------------------------------------------ properties (seeded random, no hypothesis)

def money(rng, high=20):
    return D(rng.randrange(0, high * 100 + 1)) / 100


def random_rule(rng):
    model = rng.choice(["per_entry", "per_hour", "time_segment", "tiered"])
    rule = {"model": model, "free_minutes": rng.choice([0, 0, 15, 30, 120]), "cycle": rng.choice(["24h", "midnight"])}
    if rng.random() < 0.6:
        rule["max_amount"] = money(rng, 40)
    if rng.random() < 0.3:
        rule["min_amount"] = min(money(rng, 10), rule.get("max_amount", D(100)))
    if model == "per_entry":
        rule["amount"] = money(rng)
    elif model == "per_hour":
        rule.update(first_minutes=rng.choice([30, 60, 180]), first_amount=money(rng, 10),
                    unit_minutes=rng.choice([15, 30, 60]), unit_amount=money(rng, 5), repeat=rng.random() < 0.5)
    elif model == "time_segment":
        cuts = sorted(rng.sample(range(0, 1440, 30), rng.randint(1, 5)))
        rule["segments"] = [{"start": "%02d:%02d" % divmod(start, 60),
                             "end": "%02d:%02d" % divmod(cuts[(i + 1) % len(cuts)], 60),
                             "amount": str(money(rng, 8))} for i, start in enumerate(cuts)]
    else:
        limits = sorted(rng.sample(range(1, 1441), rng.randint(1, 4)))
        amounts = sorted(money(rng, 30) for _limit in limits)
        rule["tiers"] = [{"up_to_minutes": limit, "amount": amount}
                         for limit, amount in zip(limits, amounts, strict=True)]
    return rule


def random_history(rng, entry):
    history, cursor = [], entry
    for _index in range(rng.randint(0, 3)):
        stay_exit = cursor - timedelta(minutes=rng.randint(1, 600))
        stay_entry = stay_exit - timedelta(minutes=rng.randint(1, 600))
        history.append((stay_entry, stay_exit, money(rng, 15)))
        cursor = stay_entry
    return history


def cycles_touched(rule, entry, exit, history):
    if rule["cycle"] == "midnight":
        return ((exit - timedelta(microseconds=1)).date() - entry.date()).days + 1
    days = -(-(exit - entry).total_seconds() // 86400)
    anchored = rule["model"] == "per_hour" and not rule["repeat"] and history
    return int(days) + (1 if anchored else 0)


def test_properties():
    rng = random.Random(20240501)
    base = datetime(2024, 5, 1)
    for _case in range(600):
        rule = random_rule(rng)
        entry = base + timedelta(minutes=rng.randrange(0, 2 * 1440), seconds=rng.randrange(60))
        history = random_history(rng, entry)
        cap = validate_rule(rule)["max_amount"]
        previous = D(0)
        exit = entry
        for _step in range(12):
            exit += timedelta(minutes=rng.choice([1, 7, 30, 59, 61, 240, 600, 1439, 1441, 4000]),
                              seconds=rng.randrange(60))
            result = compute_fee(rule, entry, exit, history)
            assert result.amount >= 0, (rule, entry, exit)
            assert result.amount >= previous, (rule, entry, exit, history)
            assert sum((amount for _label, amount in result.lines), D(0)) == result.amount
            assert all(isinstance(label, str) and label for label, _amount in result.lines)
            if cap is not None:
                assert result.amount <= cap * cycles_touched(rule, entry, exit, history), (rule, entry, exit)
            previous = result.amount
