import pickle
from datetime import date
from decimal import Decimal as D

import pytest

from ep_monthcard.lib import card_import as ci

LOT = "阳光商务大厦"
RULES = {"地面 100": D("100.00"), "地库 200": D("200.00"), "免费": D("0.00")}
GOOD = ["张三", "13800138000", "粤B12345", "", "地面 100", "100", "2018/5/1-2018/5/31", "", "1", "A-01", "8-101"]


def sheet(*rows, title=LOT, headers=ci.HEADERS):
    return [[title], list(headers)] + [list(row) for row in rows]


def row(**changes):
    values = dict(zip([key for key, _header in ci.COLUMNS], GOOD, strict=True))
    values.update(changes)
    return [values[key] for key, _header in ci.COLUMNS]


def check(*rows, taken=frozenset()):
    return ci.check_all(sheet(*rows), LOT, RULES, taken)


def only_issue(*rows, **kwargs):
    cards, issues = check(*rows, **kwargs)
    assert len(issues) == 1, issues
    return issues[0]


# ---------------------------------------------------------------- a good sheet

def test_good_rows_become_cards():
    cards, issues = check(row(), row(plate="粤b·54321", sub_plates="粤B11111, 粤B22222", kind="一卡多车",
                                     spaces=3.0, amount=300.0, phone=13900139000.0, rule="地面 100",
                                     validity="2018/05/01-2019/04/30"))
    assert issues == []
    first, second = cards
    assert first == ci.Card(3, "张三", "13800138000", "粤B12345", (), "地面 100", D("100.00"), date(2018, 5, 1),
                            date(2018, 5, 31), "multi_car", 1, "A-01", "8-101")
    assert (second.row, second.plate, second.sub_plates, second.spaces, second.amount, second.phone) == (
        4, "粤B54321", ("粤B11111", "粤B22222"), 3, D("300.00"), "13900139000")
    assert second.date_end == date(2019, 4, 30)


def test_child_mother_and_free_card_and_defaults():
    cards, issues = check(row(kind="子母车", sub_plates="粤B11111，粤B22222", spaces="", amount="100.00"),
                          row(plate="粤B54321", rule="免费", amount="0", customer=""))
    assert issues == []
    assert (cards[0].kind, cards[0].spaces, cards[0].sub_plates) == ("child_mother", 1, ("粤B11111", "粤B22222"))
    assert (cards[1].amount, cards[1].customer) == (D("0.00"), "")


def test_blank_rows_are_skipped_and_rows_keep_their_sheet_number():
    cards, issues = check(row(), ["", None, ""], row(plate="粤B54321"))
    assert issues == []
    assert [card.row for card in cards] == [3, 5]


def test_headers_in_any_order_and_optional_columns_may_be_left_out():
    headers = ["车牌", "客户", "手机", "副卡车牌", "规则", "金额", "有效期", "类型", "车位数"]
    rows = [[title] for title in [LOT]] + [headers, ["粤B12345", "张三", "13800138000", "", "地面 100", 100,
                                                     "2018/5/1-2018/5/31", "", 1]]
    cards, issues = ci.check_all(rows, LOT, RULES)
    assert issues == []
    assert (cards[0].plate, cards[0].customer, cards[0].space_name) == ("粤B12345", "张三", "")


# ---------------------------------------------------------------- 整表检测

def test_title_must_be_the_lot_name():
    _columns, issues = ci.check_sheet(sheet(row(), title="别的车场"), LOT)
    assert [(i.row, i.column, i.label.key) for i in issues] == [(1, "", "title")]
    assert "别的车场" in issues[0].label


def test_title_ignores_surrounding_spaces_and_leading_empty_cells():
    rows = sheet(row())
    rows[0] = ["", "  %s " % LOT]
    assert ci.check_sheet(rows, LOT)[1] == []


def test_headers_missing_unknown_duplicate():
    headers = [h for h in ci.HEADERS if h != "手机"] + ["备注", "车牌"]
    _columns, issues = ci.check_sheet(sheet(row(), headers=headers), LOT)
    assert sorted((i.row, i.column, i.label.key) for i in issues) == [
        (2, "备注", "header_unknown"), (2, "手机", "header_missing"), (2, "车牌", "header_duplicate")]


def test_empty_sheet():
    _columns, issues = ci.check_sheet([], LOT)
    assert {i.label.key for i in issues} == {"title", "header_missing", "no_rows"}
    _columns, issues = ci.check_sheet(sheet(), LOT)
    assert [i.label.key for i in issues] == ["no_rows"]


def test_2000_rows_pass_2001_are_refused():
    rows = [row(plate="粤B%05d" % n) for n in range(ci.MAX_ROWS)]
    assert ci.check_sheet(sheet(*rows), LOT)[1] == []
    _columns, issues = ci.check_sheet(sheet(*rows, row(plate="粤C00001")), LOT)
    assert [(i.row, i.label.key, i.label.params) for i in issues] == [(0, "too_many_rows",
                                                                       {"count": 2001, "max": 2000})]


def test_a_wrong_sheet_checks_no_row():
    cards, issues = ci.check_all(sheet(row(phone="123"), title="x"), LOT, RULES)
    assert cards == [] and [i.label.key for i in issues] == ["title"]


# ---------------------------------------------------------------- 行检测: every error kind

@pytest.mark.parametrize("changes, column, key", [
    ({"phone": ""}, "手机", "required"),
    ({"phone": "1380013800"}, "手机", "phone"),
    ({"phone": "23800138000"}, "手机", "phone"),
    ({"phone": "1380013800a"}, "手机", "phone"),
    ({"plate": ""}, "车牌", "required"),
    ({"plate": "粤I12345"}, "车牌", "plate"),
    ({"sub_plates": "粤B1", "kind": "一卡多车"}, "副卡车牌", "plate"),
    ({"sub_plates": "粤B11111"}, "类型", "kind_needed"),
    ({"kind": "普通"}, "类型", "kind"),
    ({"spaces": "0", "amount": "0"}, "车位数", "spaces"),
    ({"spaces": "1.5"}, "车位数", "spaces"),
    ({"spaces": "两"}, "车位数", "spaces"),
    ({"validity": ""}, "有效期", "required"),
    ({"validity": "2018-05-01~2018-05-31"}, "有效期", "validity"),
    ({"validity": "2018/2/30-2018/3/31"}, "有效期", "validity"),
    ({"validity": "2018/5/31-2018/5/1"}, "有效期", "validity_order"),
    ({"rule": ""}, "规则", "required"),
    ({"rule": "地面 300"}, "规则", "rule"),
    ({"amount": ""}, "金额", "required"),
    ({"amount": "一百"}, "金额", "amount_format"),
    ({"amount": "-100"}, "金额", "amount_format"),
    ({"amount": "200"}, "金额", "amount"),
    ({"amount": "100", "spaces": "2"}, "金额", "amount"),
])
def test_row_errors_name_row_and_column(changes, column, key):
    issue = only_issue(row(plate="粤B54321"), row(**changes))
    assert (issue.row, issue.column, issue.label.key) == (4, column, key)
    assert str(issue.label) == ci.LABELS[key] % issue.label.params


def test_amount_is_rule_price_times_spaces_to_the_cent():
    cards, issues = check(row(rule="地库 200", spaces="3", amount="600.004"))
    assert issues == [] and cards[0].amount == D("600.00")
    issue = only_issue(row(rule="地库 200", spaces="3", amount="600.01"))
    assert issue.label.params["expected"] == "600.00"


def test_duplicate_plates_inside_the_file():
    cards, issues = check(row(), row(plate="粤B54321", sub_plates="粤b12345", kind="一卡多车"),
                          row(plate="粤B54321"))
    assert [(i.row, i.column, i.label.key, i.label.params) for i in issues] == [
        (4, "副卡车牌", "duplicate_plate", {"plate": "粤B12345", "other": 3}),
        (5, "车牌", "duplicate_plate", {"plate": "粤B54321", "other": 4})]
    assert [card.row for card in cards] == [3]


def test_main_plate_repeated_as_its_own_sub_plate():
    issue = only_issue(row(sub_plates="粤B12345", kind="一卡多车"))
    assert (issue.column, issue.label.key) == ("副卡车牌", "duplicate_plate")


def test_plates_already_on_a_valid_card_of_the_lot():
    cards, issues = check(row(), row(plate="粤B54321", sub_plates="粤B11111", kind="一卡多车"),
                          taken={"粤B12345", "粤B11111"})
    assert [(i.row, i.column, i.label.key) for i in issues] == [(3, "车牌", "plate_taken"),
                                                                 (4, "副卡车牌", "plate_taken")]
    assert cards == []


def test_a_row_reports_every_issue_it_has():
    _cards, issues = check(row(phone="1", plate="x", rule="?", validity="?", kind="?", spaces="?", amount="?"))
    assert [i.column for i in issues] == ["手机", "车牌", "类型", "车位数", "有效期", "规则", "金额"]
    assert {i.row for i in issues} == {3}


# ---------------------------------------------------------------- cells, labels

def test_cells_as_xlrd_reads_them():
    assert [ci.cell_text(v) for v in (None, 13800138000.0, 3.0, 2.5, " 粤B12345 ", D("1.50"), True)] == [
        "", "13800138000", "3", "2.5", "粤B12345", "1.50", "1"]
    assert ci.parse_amount("1,200.5") == D("1200.50")
    assert ci.parse_amount("NaN") is None and ci.parse_amount("") is None


def test_validity_formats():
    assert ci.parse_validity("2018/5/1-2018/5/31") == (date(2018, 5, 1), date(2018, 5, 31))
    assert ci.parse_validity("2018/05/01 - 2018/05/31") == (date(2018, 5, 1), date(2018, 5, 31))
    assert ci.parse_validity("2018/13/01-2018/05/31") is None
    assert ci.format_validity(date(2018, 5, 1), date(2018, 5, 31)) == "2018/05/01-2018/05/31"


def test_labels_pickle_and_keep_key():
    label = ci.Label("rule", value="x")
    again = pickle.loads(pickle.dumps(label))
    assert (again, again.key, again.params) == (label, "rule", {"value": "x"})


# ---------------------------------------------------------------- 月卡导出

def test_template_rows():
    assert ci.template_rows(LOT) == [[LOT], list(ci.HEADERS)]


def test_export_round_trip():
    cards, issues = check(row(), row(plate="粤B54321", sub_plates="粤B11111,粤B22222", kind="子母车", spaces="2",
                                     amount="200"), row(plate="粤B66666", rule="免费", amount="0", customer=""))
    assert issues == []
    rows = ci.export_rows(LOT, cards)
    assert rows[2][ci.HEADERS.index("类型")] == "" and rows[3][ci.HEADERS.index("类型")] == "子母车"
    again, issues = ci.check_all(rows, LOT, RULES)
    assert issues == [] and again == cards
