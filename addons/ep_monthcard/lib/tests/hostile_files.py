"""Malformed month-card import files for the hostile-input fuzz (issue 14 item 4): Hypothesis
strategies of ``(file bytes, must_fail)``, ``must_fail`` telling whether the file is sure to be
wrong (a byte flipped in a zip may land where nothing reads it). Used by the pure fuzz
(test_card_import_fuzz.py) and by the one through the server (tests/integration/
test_monthcard_import_hostile.py), for a lot, its good row and the plates its cards hold.

The files: not a zip (random bytes, an xls header then garbage, empty), a valid xlsx truncated or
with bytes flipped, a wrong title or a header missing, unknown or twice, only the title or the
headers, no sheet, the cards on the second sheet, rows with one bad cell (dates as text or
numbers, huge numbers, negative amounts, formulas, control characters, 10k-character texts,
unknown rules or types, bad plates, a plate of the lot's cards), a plate twice in the file, a cell
beyond the sheet limits. Named functions only, no lambda: Hypothesis reads a lambda's source with
``ast``, whose ``arguments`` class runtime/odoo_py311.py replaces once Odoo is loaded.
"""
import io
import re
import zipfile
from xml.sax.saxutils import escape, quoteattr

from hypothesis import strategies as st

from .. import card_import as ci
from .. import sheet_file as sf

# ---------------------------------------------------------------- a minimal xlsx writer (any cell, any reference)

def _column_letters(number):
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _xml_text(text):
    """Text in XML, characters XML cannot hold written as Excel does (``_x0000_``, xlrd reads them back)."""
    return escape(re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]", _excel_escape, text))


def _excel_escape(match):
    return "_x%04X_" % ord(match.group())


def _cell(reference, value):
    ref = " r=%s" % quoteattr(reference) if reference else ""
    if isinstance(value, Formula):
        return "<c%s><f>%s</f><v>%s</v></c>" % (ref, escape(value.formula), escape(value.cached))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return "<c%s><v>%r</v></c>" % (ref, value)
    return '<c%s t="inlineStr"><is><t>%s</t></is></c>' % (ref, _xml_text(str(value)))


class Formula:
    def __init__(self, formula, cached):
        self.formula, self.cached = formula, cached


def xlsx(rows, sheet_xml=None, sheets=("Sheet1",)):
    """An xlsx file of ``rows`` (cells: text, numbers, Formula), or of the raw ``sheet_xml``."""
    if sheet_xml is None:
        body = "".join("<row r=\"%d\">%s</row>" % (r, "".join(
            _cell("%s%d" % (_column_letters(c), r), value) for c, value in enumerate(row, 1) if value != ""))
            for r, row in enumerate(rows, 1))
        sheet_xml = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                     "<sheetData>%s</sheetData></worksheet>" % body)
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/></Types>'))
        archive.writestr("_rels/.rels", (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="xl/workbook.xml" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument"/></Relationships>'))
        archive.writestr("xl/workbook.xml", (
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>%s</sheets></workbook>'
            % "".join('<sheet name=%s sheetId="%d" r:id="rId%d"/>' % (quoteattr(name), n, n)
                      for n, name in enumerate(sheets, 1))))
        archive.writestr("xl/_rels/workbook.xml.rels", (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">%s'
            "</Relationships>" % "".join(
                '<Relationship Id="rId%d" Target="worksheets/sheet%d.xml" Type="http://schemas.openxmlformats.org/'
                'officeDocument/2006/relationships/worksheet"/>' % (n, n) for n in range(1, len(sheets) + 1))))
        for n in range(1, len(sheets) + 1):
            archive.writestr("xl/worksheets/sheet%d.xml" % n, sheet_xml)
    return output.getvalue()




def sheet_rows(lot, *rows, title=None, headers=ci.HEADERS):
    return [[lot if title is None else title], list(headers)] + [list(row) for row in rows]


def far_cell(row, column, explicit=True, encoding=None):
    """An xlsx with a cell at (row, column), its reference written (or counted, ``explicit=False``);
    the sheet's XML in ``encoding`` if given (xlrd reads UTF-16 as well)."""
    ref = ' r="%s%d"' % (_column_letters(column), row) if explicit else ""
    rows = "".join('<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c></row>' % (n, n) for n in (1, 2))
    sheet_xml = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>%s'
                 '<row r="%d"><c%s><v>1</v></c></row></sheetData></worksheet>' % (rows, row, ref))
    if encoding:
        sheet_xml = ('<?xml version="1.0" encoding="%s"?>%s' % (encoding, sheet_xml)).encode(encoding)
    return xlsx([], sheet_xml=sheet_xml)


def _not_zip(data):
    return data[:4] != b"PK\x03\x04"


def _must_fail(data):
    return data, True


def _with_ole_magic(data):
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + data, True


def _far_cell_case(args):
    return far_cell(*args), True


def _long_text(size):
    return "长" * size


def _with_control(args):
    text, char = args
    return text[: len(text) // 2] + char + text[len(text) // 2:]


def _drop_header(index):
    headers = list(ci.HEADERS)
    headers[index] = ""
    return headers


def _rename_header(args):
    index, name = args
    headers = list(ci.HEADERS)
    headers[index] = name
    return headers


def _duplicate_header(args):
    index, other = args
    headers = list(ci.HEADERS)
    headers.append(headers[index] if index != other else headers[0])
    return headers


def _wrong_header_name(text):
    return text.strip() != "" and text.strip() not in ci.HEADERS


class MalformedFiles:
    """The strategies for one lot: ``lot`` its name, ``good_row`` a row of it the import takes
    (cells in COLUMNS order; its plate is replaced by ``plate_format % n``), ``taken`` plates of
    its valid cards (at least one)."""

    def __init__(self, lot, good_row, plate_format, taken):
        self.lot, self.good, self.plate_format, self.taken = lot, list(good_row), plate_format, sorted(taken)
        self.valid = xlsx(self.sheet(self.good_row(0), self.good_row(1), self.good_row(2)))

    def good_row(self, n=0):
        row = list(self.good)
        row[2] = self.plate_format % n
        return row

    def sheet(self, *rows, title=None, headers=ci.HEADERS):
        return sheet_rows(self.lot, *rows, title=title, headers=headers)

    # ------------------------------------------------------------ the strategies
    def strategy(self, flips=True):
        """Every kind of malformed file; ``flips=False`` leaves out the files that may be good."""
        return st.one_of(self.not_a_spreadsheet(), self.corrupted_zip(flips), self.wrong_sheet(), self.bad_cells(),
                         self.bad_cells(), self.bad_cells(), self.duplicated_plates(), self.far_cells())

    def not_a_spreadsheet(self):
        return st.one_of(
            st.binary(max_size=300).filter(_not_zip).map(_must_fail),
            st.binary(min_size=1, max_size=600).map(_with_ole_magic),  # an OLE (xls) header, then garbage
            st.just((b"", True)),
            st.sampled_from([b"PK\x03\x04", b"PK\x05\x06" + bytes(18), b"<?xml version='1.0'?><a/>", b"\xef\xbb\xbf",
                             "客户,手机\n".encode()]).map(_must_fail),
        )

    def _truncated(self, cut):
        # a cut in the end record's comment length leaves a zip Python still reads
        return self.valid[:cut], cut < len(self.valid) - 22

    def _flipped(self, changes):
        data = bytearray(self.valid)
        for index, value in changes:
            data[index % len(data)] = value
        # a flip may land where nothing reads it (a date in a zip header): not necessarily wrong
        return bytes(data), False

    def corrupted_zip(self, flips=True):
        truncated = st.integers(min_value=0, max_value=len(self.valid) - 23).map(self._truncated)
        if not flips:
            return truncated
        return st.one_of(truncated, st.lists(st.tuples(st.integers(min_value=0), st.integers(
            min_value=0, max_value=255)), min_size=1, max_size=8).map(self._flipped))

    def _with_headers(self, headers):
        return xlsx(self.sheet(self.good_row(), headers=headers)), True

    def _with_title(self, title):
        return xlsx(self.sheet(self.good_row(), title=title)), True

    def _wrong_title(self, value):
        return ci.cell_text(value) != self.lot

    def _title_row_only(self, _value):
        return xlsx([[self.lot]]), True

    def _headers_only(self, blank_rows):
        return xlsx(self.sheet() + [[""]] * blank_rows), True

    def _other_sheet_first(self, _value):
        # the cards on the second sheet: the first one (the one read) is someone's notes
        return xlsx([["notes"], ["a", "b"]], sheets=("Notes", "Cards")), True

    def _no_sheet(self, _value):
        return xlsx([], sheets=()), True

    def wrong_sheet(self):
        return st.one_of(
            st.integers(min_value=0, max_value=8).map(_drop_header).map(self._with_headers),  # a required one
            st.tuples(st.integers(min_value=0, max_value=10), st.text(max_size=12).filter(_wrong_header_name))
            .map(_rename_header).map(self._with_headers),
            st.tuples(st.integers(min_value=0, max_value=10), st.integers(min_value=0, max_value=10))
            .map(_duplicate_header).map(self._with_headers),
            st.one_of(st.text(max_size=20), st.integers(), st.floats(allow_nan=False)).filter(self._wrong_title)
            .map(self._with_title),
            st.just(None).map(self._title_row_only),
            st.integers(min_value=0, max_value=3).map(self._headers_only),
            st.just(None).map(self._no_sheet),
            st.just(None).map(self._other_sheet_first),
        )

    def bad_values(self):
        """Bad values by column (index in COLUMNS): each makes its row wrong."""
        controls = st.tuples(st.sampled_from(["张三", self.good[2], self.good[1], "A-01"]),
                             st.sampled_from(["\x00", "\x01", "\x07", "\x0b", "\x1b", "\x7f", "\x85"])
                             ).map(_with_control)
        anywhere = st.one_of(controls, st.integers(min_value=ci.MAX_CELL_CHARS + 1, max_value=10000).map(_long_text))
        taken = st.sampled_from(self.taken)
        return {
            0: anywhere,  # 客户
            1: st.one_of(anywhere, st.sampled_from(["", "138", "2380013800", "1380013800a", "13800138000138000"]),
                         st.floats(min_value=1e15, max_value=1e300), st.integers(min_value=-10 ** 10, max_value=99)),
            2: st.one_of(anywhere, st.sampled_from(["", "B12345", "粤B1", "粤I12345", "粤B12345678", "!!", "粤B9999"]),
                         st.integers(), st.floats(allow_nan=True),
                         st.text(alphabet="ABC123!@#", min_size=1, max_size=6), taken),
            3: st.one_of(anywhere, st.sampled_from(["粤B1", "x,粤B1"]), taken),  # sub plates
            4: st.one_of(anywhere, st.sampled_from(["", "地面 300", "地面100", "免 费"]), st.integers(), st.floats()),
            5: st.one_of(anywhere, st.sampled_from(["", "-100", "abc", "1e400", "NaN", "Infinity", "9" * 5000,
                                                    "100.001", "1e40"]),
                         st.floats(max_value=-0.01), st.floats(min_value=1e20, allow_infinity=True),
                         st.builds(Formula, st.just("A1*2"), st.sampled_from(["200", "-1", "x"]))),
            6: st.one_of(anywhere, st.sampled_from(["", "2030-05-01", "2030/13/1-2030/5/31", "2030/5/31-2030/5/1",
                                                    "2030/2/30-2030/3/1", "99999/1/1-99999/1/2", "2030/5/1", "明天"]),
                         st.floats(min_value=0, max_value=2958465), st.integers(min_value=-5, max_value=60000)),
            7: st.one_of(anywhere, st.sampled_from(["普通车", "一卡多车 ", "子母", "1"]), st.integers(min_value=1)),
            8: st.one_of(anywhere, st.sampled_from(["0", "-1", "1.5", "abc", "1" * 5000, "10000", "99999999999",
                                                    "1e20"]),
                         st.floats(min_value=1e4, max_value=1e300), st.integers(max_value=0),
                         st.integers(min_value=ci.MAX_SPACES + 1)),
            9: anywhere,  # 车位号
            10: anywhere,  # 房号
        }

    def bad_row(self, column, value, n):
        row = self.good_row(n)
        row[column] = value
        if column == 3:  # sub plates are written with a type: the row is wrong for the bad cell only
            row[7] = "一卡多车"
        return row

    def _bad_row(self, args):
        return self.bad_row(*args)

    def _file_of_rows(self, args):
        good, bad, position = args
        rows = [self.good_row(n + 100) for n in range(good)]
        rows.insert(position % (len(rows) + 1), bad)
        return xlsx(self.sheet(*rows)), True

    def bad_cells(self):
        values = self.bad_values()
        rows = st.one_of(*[st.tuples(st.just(column), values[column], st.integers(min_value=10, max_value=60))
                           .map(self._bad_row) for column in sorted(values)])
        return st.tuples(st.integers(min_value=0, max_value=4), rows, st.integers(min_value=0)).map(self._file_of_rows)

    def _duplicates(self, args):
        first, second, sub = args
        rows = [self.good_row(first), self.good_row(second)]
        if sub:  # the duplicate is a sub plate of the other row
            rows[1][3], rows[1][7] = rows[0][2], "一卡多车"
        else:
            rows[1][2] = rows[0][2]
        return xlsx(self.sheet(*rows)), True

    def duplicated_plates(self):
        return st.tuples(st.integers(min_value=0, max_value=50), st.integers(min_value=51, max_value=99),
                         st.booleans()).map(self._duplicates)

    def too_many_rows(self, extra):
        return xlsx(self.sheet(*[self.good_row(n) for n in range(ci.MAX_ROWS + extra)]))

    def far_cells(self):
        return st.one_of(
            st.tuples(st.integers(min_value=sf.MAX_SHEET_ROWS + 1, max_value=1048576),
                      st.integers(min_value=1, max_value=11), st.booleans()),
            st.tuples(st.integers(min_value=3, max_value=sf.MAX_SHEET_ROWS),
                      st.integers(min_value=sf.MAX_SHEET_COLUMNS + 1, max_value=16384), st.just(True)),
        ).map(_far_cell_case)
