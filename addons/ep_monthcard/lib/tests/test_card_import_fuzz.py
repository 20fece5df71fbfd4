"""Hostile month-card import files (issue 14 item 4), pure level: generated malformed files — not a
zip, a valid xlsx truncated or with bytes flipped, wrong or missing title and headers, cells of the
wrong type (dates as text or numbers, huge numbers, negative amounts, formulas, control characters,
10k-character texts, unknown rules, bad plates), duplicated plates in the file and against the
lot's cards, no card row, too many rows, cells beyond the sheet limits, a zip bomb — are read
(lib/sheet_file.py) and checked (lib/card_import.py) as the import does. Each ends in a
:class:`SheetError` with a reason or in row issues with a reason, never another exception; a file
meant to be wrong never passes clean; the messages carry no control character and stay short.
Hypothesis draws the files (derandomised: the same run every time)."""
import io
import re
import zipfile
from decimal import Decimal as D

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ep_monthcard.lib import card_import as ci
from ep_monthcard.lib import sheet_file as sf
from ep_monthcard.lib.tests.hostile_files import Formula, MalformedFiles, far_cell, xlsx

LOT = "阳光商务大厦"
RULES = {"地面 100": D("100.00"), "地库 200": D("200.00"), "免费": D("0.00")}
TAKEN = frozenset({"粤B99999", "粤B88888"})  # plates already on a valid card of the lot
GOOD = ["张三", "13800138000", "粤B12345", "", "地面 100", 100, "2030/5/1-2030/5/31", "", 1, "A-01", "8-101"]
FILES = MalformedFiles(LOT, GOOD, "粤B%05d", TAKEN)
EXAMPLES = 1200
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                    suppress_health_check=list(HealthCheck))
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def sheet(*rows, **kwargs):
    return FILES.sheet(*rows, **kwargs)


def bad(column, value, n):
    """A good row but for one cell."""
    return FILES.bad_row(column, value, n)


def test_the_base_file_is_good_and_odd_cells_reach_the_checks():
    """What the strategies change is what makes a file wrong: their base file imports clean."""
    cards, issues = ci.check_all(sf.read_rows(FILES.valid), LOT, RULES, TAKEN)
    assert issues == [] and [card.plate for card in cards] == ["粤B00000", "粤B00001", "粤B00002"]
    rows = sf.read_rows(xlsx(sheet(FILES.good_row()) + [["x\x00y", Formula("1+1", "2")]]))
    assert rows[3] == ["x\x00y", 2.0]  # NUL (written _x0000_) and a formula's value are read


# ---------------------------------------------------------------- the property

def import_file(data):
    """What the import does with a file: read it, then check the sheet and its rows. ``(issues, error)``."""
    try:
        rows = sf.read_rows(data)
    except sf.SheetError as error:
        return [], error
    _cards, issues = ci.check_all(rows, LOT, RULES, TAKEN)
    return issues, None


def check_outcome(data, must_fail):
    issues, error = import_file(data)
    if error is not None:
        assert isinstance(error.label, sf.Label) and error.label.key in sf.LABELS
        assert str(error.label) and not CONTROL.search(error.label) and len(error.label) < 400, error.label
        return "refused"
    for issue in issues:
        assert isinstance(issue, ci.Issue) and issue.label.key in ci.LABELS, issue
        assert issue.row >= 0 and (issue.row == 0 or issue.column or issue.row <= ci.HEADER_ROW), issue
        assert not CONTROL.search(issue.label + issue.column), issue
        assert len(issue.label) < 400 and len(issue.column) <= ci.SHOWN_CHARS + 1, issue
    assert issues or not must_fail, "a malformed file passed clean: %r" % data[:200]
    return "issues" if issues else "clean"


def test_malformed_files_end_in_a_reason_never_another_exception():
    outcomes = {}

    @SETTINGS
    @given(case=FILES.strategy())
    def run(case):
        data, must_fail = case
        outcome = check_outcome(data, must_fail)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1

    run()
    assert sum(outcomes.values()) >= EXAMPLES
    assert outcomes.get("refused", 0) > 100 and outcomes.get("issues", 0) > 300, outcomes


@settings(max_examples=5, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(extra=st.integers(min_value=1, max_value=50))
def test_too_many_card_rows_are_a_sheet_issue(extra):
    issues, error = import_file(FILES.too_many_rows(extra))
    assert error is None
    assert [(issue.row, issue.label.key) for issue in issues] == [(0, "too_many_rows")]


# ---------------------------------------------------------------- regressions found by the fuzz

def test_huge_numbers_are_row_issues_not_crashes():
    """int() refuses texts of more than 4300 digits and a Decimal of 40 digits cannot be rounded to the
    cent: both raised out of the row check (ValueError, decimal.InvalidOperation)."""
    _cards, issues = ci.check_all(sheet(bad(8, "1" * 5000, 1), bad(5, "1e40", 2),
                                        bad(8, 10.0 ** 20, 3), bad(5, "9" * 5000, 4)), LOT, RULES)
    assert [(i.row, i.column, i.label.key) for i in issues] == [
        (3, "车位数", "too_long"), (3, "车位数", "spaces_max"), (4, "金额", "amount_format"),
        (5, "车位数", "spaces_max"), (6, "金额", "too_long"), (6, "金额", "amount_format")]
    assert ci.parse_amount("1e40") is None and ci.parse_amount("1e20") == D("100000000000000000000.00")


def test_spaces_are_capped_for_the_database():
    """Any 车位数 was taken: from 2**31 on (at the matching amount) the store failed on the database's
    integer. At most MAX_SPACES now."""
    cards, issues = ci.check_all(sheet(bad(8, ci.MAX_SPACES, 1)), LOT, RULES)
    assert issues[0].label.key == "amount" and not cards  # 9999 spaces are fine, at their price
    row = bad(8, ci.MAX_SPACES, 1)
    row[5] = 100 * ci.MAX_SPACES
    cards, issues = ci.check_all(sheet(row), LOT, RULES)
    assert issues == [] and cards[0].spaces == ci.MAX_SPACES
    _cards, issues = ci.check_all(sheet(bad(8, "010000", 1)), LOT, RULES)
    assert [i.label for i in issues] == ["010000 spaces: at most 9999."]
    row = bad(8, 2 ** 31, 1)
    row[5] = 100 * 2 ** 31
    _cards, issues = ci.check_all(sheet(row), LOT, RULES)
    assert [i.label for i in issues] == ["2147483648 spaces: at most 9999."]


def test_control_characters_and_long_texts_are_row_issues_and_never_quoted():
    """A NUL in a cell reached the database (PostgreSQL refuses it: a server error at store) and the
    stored messages; a 10k-character cell was quoted whole in its message."""
    title = "x\x00y"
    headers = list(ci.HEADERS) + ["备\x00注"]
    _columns, issues = ci.check_sheet(sheet(FILES.good_row(), title=title, headers=headers), LOT)
    assert [(i.row, i.column, i.label) for i in issues] == [
        (1, "", "The title must be the lot's name %s, not x\ufffdy." % LOT),
        (2, "备\ufffd注", "Unknown column 备\ufffd注.")]
    rows = [bad(0, "张\x00三", 1), bad(9, "A" * 10000, 2), bad(2, "粤\x07" + "B" * 500, 3)]
    _cards, issues = ci.check_all(sheet(*rows), LOT, RULES)
    assert [(i.row, i.column, i.label.key) for i in issues] == [
        (3, "客户", "control"), (4, "车位号", "too_long"), (5, "车牌", "control"), (5, "车牌", "plate")]
    assert issues[-1].label == "粤\ufffd%s… is not a valid licence plate." % ("B" * (ci.SHOWN_CHARS - 2))


def test_line_breaks_and_tabs_are_no_control_characters():
    row = FILES.good_row()
    row[0], row[10] = "张三\n李四", "8-101\t"
    cards, issues = ci.check_all(sheet(row), LOT, RULES)
    assert issues == [] and cards[0].customer == "张三\n李四"


# ---------------------------------------------------------------- oversize and the sheet limits

def test_a_file_larger_than_the_limit_is_refused_before_it_is_read():
    data = FILES.valid + b"\x00" * (sf.MAX_FILE_BYTES - len(FILES.valid) + 1)
    issues, error = import_file(data)
    assert error.label.key == "too_large" and "at most 5242880 bytes (5 MB)" in error.label


def test_a_zip_bomb_is_refused_while_it_is_unpacked():
    """50 MB of spaces pack into 50 kB; a zip whose headers lie about the size is not believed."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * (sf.MAX_UNPACKED_BYTES + 10) + b"</a>")
    data = output.getvalue()
    assert len(data) < sf.MAX_FILE_BYTES
    lying = data.replace((sf.MAX_UNPACKED_BYTES + 17).to_bytes(4, "little"), (17).to_bytes(4, "little"))
    assert lying != data
    for bomb in (data, lying):
        _issues, error = import_file(bomb)
        assert error.label.key in ("unpacked_too_large", "unreadable"), error.label
    assert import_file(data)[1].label.key == "unpacked_too_large"


def test_a_cell_far_away_is_refused_before_xlrd_fills_the_memory():
    """One cell at XFD1048576 in a 1 kB file made xlrd build a million rows and one of 16384 cells."""
    data = far_cell(1048576, 16384)
    assert len(data) < 2000
    assert import_file(data)[1].label == "The sheet has a cell on row 1048576: at most 10000 rows."
    data = far_cell(5, 16384)
    assert import_file(data)[1].label == "The sheet has a cell beyond column 200."
    data = far_cell(sf.MAX_SHEET_ROWS, sf.MAX_SHEET_COLUMNS)  # at the limits: read
    issues, error = import_file(data)
    assert error is None and issues


def test_a_sheet_in_utf16_is_checked_as_well():
    """The cell positions were only looked for in parts starting with "<": xlrd reads a sheet in UTF-16."""
    rows = sf.read_rows(far_cell(5, 3, encoding="utf-16"))
    assert [len(row) for row in rows] == [1, 1, 0, 0, 3] and rows[4][2] == 1.0
    assert import_file(far_cell(sf.MAX_SHEET_ROWS + 1, 3, encoding="utf-16"))[1].label.key == "too_many_sheet_rows"
    assert import_file(far_cell(5, 16384, encoding="utf-16"))[1].label.key == "too_many_sheet_columns"


def test_a_part_that_is_no_xml_is_left_to_xlrd():
    """An image in the zip is no reason to refuse the file."""
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(FILES.valid)) as source, zipfile.ZipFile(output, "w") as target:
        for member in source.infolist():
            target.writestr(member, source.read(member))
        target.writestr("xl/media/image1.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    assert ci.check_all(sf.read_rows(output.getvalue()), LOT, RULES, TAKEN)[1] == []


def test_a_workbook_without_sheet_and_entities_are_refused():
    assert import_file(xlsx([], sheets=()))[1].label.key in ("no_sheet", "unreadable")
    laughs = ('<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">' + "".join(
        '<!ENTITY %s "%s">' % (chr(ord("b") + n), ("&%s;" % chr(ord("a") + n)) * 10) for n in range(9))
        + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row><c '
        't="inlineStr"><is><t>&j;</t></is></c></row></sheetData></worksheet>')
    assert import_file(xlsx([], sheet_xml=laughs))[1].label.key == "unreadable"
