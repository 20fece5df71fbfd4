from datetime import datetime, timedelta

import pytest

from ep_monthcard.lib.comparison import (
    EXTRA,
    MATCH,
    MISSING,
    PLATES,
    RULE,
    VALIDITY,
    ComparisonError,
    compare,
    parse_moment,
    parse_vendor_report,
)

NOW = datetime(2018, 9, 1, 8, 0, 0)


def card(plate, start="2018-08-01 00:00:00", end="2018-09-30 15:59:59", rule_id=7, plates=None, **extra):
    values = {"card_id": None, "plate": plate, "plates": plates or [plate], "start": start, "end": end,
              "rule_id": rule_id}
    values.update(extra)
    return values


def kinds(differences):
    return [(d["kind"], d["plate"]) for d in differences]


def test_identical_cards_match():
    platform = [card("粤B12345", plates=["粤B12345", "粤B00001"])]
    vendor = [card("粤b 12345", start="2018-08-01T00:00:00Z", rule_id="7", plates=["粤B00001", "粤B12345"])]
    differences, matches, ignored = compare(platform, vendor, NOW)
    assert differences == [] and ignored == []
    assert kinds(matches) == [(MATCH, "粤B12345")]


def test_each_kind_of_difference():
    platform = [card("A1"), card("A2"), card("A3", end="2018-10-31 15:59:59"), card("A4"),
                card("A5", plates=["A5", "S5"])]
    vendor = [card("A2", rule_id=None), card("A3"), card("A4", rule_id=8), card("A5"), card("V1")]
    differences, matches, ignored = compare(platform, vendor, NOW)
    assert kinds(differences) == [(MISSING, "A1"), (VALIDITY, "A3"), (RULE, "A4"), (PLATES, "A5"),
                                  (EXTRA, "V1")]
    assert kinds(matches) == [(MATCH, "A2")], "a vendor without rule ids is not compared on rules"
    missing, validity = differences[0], differences[1]
    assert missing["vendor"] is None and missing["platform"]["plate"] == "A1"
    assert validity["vendor"]["end"] == datetime(2018, 9, 30, 15, 59, 59)
    assert validity["platform"]["end"] == datetime(2018, 10, 31, 15, 59, 59)
    assert differences[-1]["platform"] is None


def test_a_card_may_differ_in_several_ways():
    differences, _matches, _ignored = compare([card("A1")], [card("A1", start="2018-08-02 00:00:00", rule_id=9)],
                                              NOW)
    assert kinds(differences) == [(VALIDITY, "A1"), (RULE, "A1")]


def test_tolerance_on_validity():
    vendor = [card("A1", end="2018-09-30 15:59:00")]
    assert kinds(compare([card("A1")], vendor, NOW)[0]) == [(VALIDITY, "A1")]
    assert compare([card("A1")], vendor, NOW, tolerance=timedelta(minutes=1))[0] == []


def test_disabled_or_expired_vendor_cards():
    vendor = [card("A1", enabled=False), card("V1", end="2018-08-31 00:00:00"), card("V2", enabled=False),
              card("V3", end=None)]
    differences, _matches, ignored = compare([card("A1")], vendor, NOW)
    assert kinds(differences) == [(MISSING, "A1"), (EXTRA, "V3")]
    assert differences[0]["vendor"]["enabled"] is False
    assert [c["plate"] for c in ignored] == ["V1", "V2"]


def test_duplicate_vendor_plates_are_only_at_the_vendor():
    differences, matches, _ignored = compare([card("A1")], [card("A1"), card("A1", end="2019-01-01 00:00:00")],
                                             NOW)
    assert kinds(matches) == [(MATCH, "A1")]
    assert kinds(differences) == [(EXTRA, "A1")]
    assert differences[0]["vendor"]["end"] == datetime(2019, 1, 1)


def test_vendor_report_parsing():
    cards = parse_vendor_report({"cards": [{"plate": "粤B·12345", "plates": ["粤B12345", "粤B1"],
                                            "start": "2018-08-01 00:00:00", "end": "2018-09-30 15:59:59",
                                            "rule_id": 3, "card_id": 11}]})
    assert cards == [{"card_id": 11, "plate": "粤B12345", "plates": ["粤B12345", "粤B1"],
                      "start": datetime(2018, 8, 1), "end": datetime(2018, 9, 30, 15, 59, 59), "rule_id": "3",
                      "enabled": True}]
    assert parse_vendor_report({"cards": []}) == []
    for bad in (None, [], {"cards": "x"}, {"cards": [{"plate": ""}]}, {"cards": [{"plate": "A", "end": "soon"}]},
                {"cards": ["A1"]}, {"cards": [{"plate": "A", "plates": "A"}]}):
        with pytest.raises(ComparisonError):
            parse_vendor_report(bad)


@pytest.mark.parametrize("value, expected", [
    ("2018-09-30 15:59:59", datetime(2018, 9, 30, 15, 59, 59)),
    ("2018-09-30T15:59:59.123Z", datetime(2018, 9, 30, 15, 59, 59)),
    ("2018-09-30", datetime(2018, 9, 30)),
    (datetime(2018, 9, 30, 1, 2, 3, 999), datetime(2018, 9, 30, 1, 2, 3)),
    (None, None),
    ("", None),
])
def test_parse_moment(value, expected):
    assert parse_moment(value) == expected
