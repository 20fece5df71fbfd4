import io
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest

from ep_parking.lib import xlsx


def sheet_xml(data):
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        names = book.namelist()
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        strings = book.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in names else ""
        workbook = book.read("xl/workbook.xml").decode()
    return sheet, strings, workbook


def test_headers_numbers_and_texts():
    data = xlsx.xlsx_bytes(["Plate", "Fee", "Count", "Paid", "At", "Day"],
                           [["粤B12345", Decimal("7.50"), 3, True, datetime(2026, 1, 2, 3, 4, 5), date(2026, 1, 2)],
                            ["EP12345", None, 0, False, None, None]], sheet_name="Coupons")
    sheet, strings, workbook = sheet_xml(data)
    assert 'name="Coupons"' in workbook
    for text in ("Plate", "Fee", "粤B12345", "EP12345"):
        assert text in strings or text in sheet
    assert "<v>7.5</v>" in sheet
    assert "<v>3</v>" in sheet
    assert re.search(r'<c r="D2" [^>]*t="b"[^>]*><v>1</v>', sheet)
    assert '<c r="B3"' not in sheet, "empty cells stay empty"


def test_formulas_stay_text():
    data = xlsx.xlsx_bytes(["Name"], [["=HYPERLINK(\"http://evil\")"], ["http://example.com"]])
    sheet, strings, _workbook = sheet_xml(data)
    assert "<f>" not in sheet
    assert "HYPERLINK" in (strings + sheet)
    assert "hyperlink" not in sheet.lower().replace("hyperlink(", "")


def test_sheet_names_are_cleaned():
    long_name = "Coupons: 2026/12 [all] and more text"
    _sheet, _strings, workbook = sheet_xml(xlsx.xlsx_bytes(["A"], [], sheet_name=long_name))
    assert 'name="Coupons  2026 12  all  and more"' in workbook, "31 characters at most, no []:*?/\\"
    _sheet, _strings, workbook = sheet_xml(xlsx.xlsx_bytes(["A"], [], sheet_name=""))
    assert 'name="Sheet1"' in workbook


def test_too_many_rows(monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_SHEET_ROWS", 3)
    xlsx.xlsx_bytes(["A"], [[1], [2]])
    with pytest.raises(ValueError):
        xlsx.xlsx_bytes(["A"], [[1], [2], [3]])


def test_write_xlsx_streams_to_a_file(tmp_path):
    path = str(tmp_path / "exits.xlsx")
    count = xlsx.write_xlsx(path, ["Plate", "Due"], ([("京A%05d" % index), Decimal("1.50")] for index in range(2000)))
    assert count == 2000
    with zipfile.ZipFile(path) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert sheet.count("<row ") == 2001
    assert "<v>1.5</v>" in sheet
