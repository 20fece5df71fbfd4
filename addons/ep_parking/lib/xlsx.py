"""Spreadsheet exports (xlsx) of back-office lists: one sheet, a bold header row, then the rows.

Numbers (int, Decimal, float) are written as numbers, money (Decimal) with two decimals; every
other value as text, never as a formula (a cell typed "=HYPERLINK(...)" by a user stays text).
Rows are streamed (xlsxwriter's constant-memory mode), so memory stays flat however many rows.
"""
import os
import tempfile
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter

MAX_SHEET_ROWS = 1048576  # Excel's limit, the header row included


def xlsx_bytes(headers, rows, sheet_name="Sheet1"):
    """The xlsx file (bytes) of ``headers`` (a list of texts) and ``rows`` (an iterable of lists)."""
    with tempfile.TemporaryDirectory(prefix="ep-xlsx-") as folder:
        path = os.path.join(folder, "export.xlsx")
        write_xlsx(path, headers, rows, sheet_name)
        with open(path, "rb") as handle:
            return handle.read()


def write_xlsx(path, headers, rows, sheet_name="Sheet1"):
    """Write the xlsx file of ``headers`` and ``rows`` to ``path``; returns the number of rows.

    xlsxwriter keeps constant memory only when it writes to a file (``in_memory`` would hold the
    whole sheet): each row goes to disk as it comes, so a million rows cost no more memory than ten."""
    book = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False,
                                      "strings_to_urls": False, "tmpdir": os.path.dirname(path) or None})
    sheet = book.add_worksheet(_sheet_name(sheet_name))
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "0.00"})
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.set_column(0, max(len(headers) - 1, 0), 18)
    for col, header in enumerate(headers):
        sheet.write_string(0, col, str(header), bold)
    count = 0
    try:
        for index, row in enumerate(rows, start=1):
            if index >= MAX_SHEET_ROWS:
                raise ValueError("more rows than a sheet holds (%s)" % (MAX_SHEET_ROWS - 1))
            for col, value in enumerate(row):
                _write(sheet, index, col, value, money, stamp, day)
            count = index
    finally:
        book.close()
    return count


def _write(sheet, row, col, value, money, stamp, day):
    if value is None or value is False or value == "":
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, Decimal):
        sheet.write_number(row, col, float(value), money)
    elif isinstance(value, (int, float)):
        sheet.write_number(row, col, value)
    elif isinstance(value, datetime):
        sheet.write_datetime(row, col, value, stamp)
    elif isinstance(value, date):
        sheet.write_datetime(row, col, datetime(value.year, value.month, value.day), day)
    else:
        sheet.write_string(row, col, str(value))


def _sheet_name(name):
    """Excel refuses []:*?/\\ in sheet names and more than 31 characters."""
    cleaned = "".join(" " if char in "[]:*?/\\" else char for char in str(name or "")).strip()
    return (cleaned or "Sheet1")[:31]
