"""An uploaded spreadsheet's bytes as rows of cell values (month-card import, seed 000 §2.3.3). No odoo import.

    read_rows(data) -> [[cell value, ...], ...]     the first sheet; raises SheetError

A user's file is refused with a :class:`SheetError` (its ``label`` says why, see ``LABELS``) — never
another exception — when it is not a spreadsheet xlrd reads (xlsx, or the older xls), when it is
larger than :data:`MAX_FILE_BYTES`, or, for an xlsx, before xlrd reads it: when its parts unpack to
more than :data:`MAX_UNPACKED_BYTES` (a "zip bomb") or a cell lies beyond row :data:`MAX_SHEET_ROWS`
or column :data:`MAX_SHEET_COLUMNS` (xlrd would allocate every row and cell up to it: one cell at
XFD1048576 of a file of a few hundred bytes would fill the memory). The parts are unpacked in
bounded chunks, whatever sizes the zip's directory claims. The import takes at most 2000 card rows
(``card_import.MAX_ROWS``): the limits leave room for blank rows and a few notes columns.
"""
import io
import zipfile
from xml.etree import ElementTree

from . import sibling

try:
    import xlrd
except ImportError:  # pragma: no cover - an external dependency of the addon
    xlrd = None

MAX_FILE_BYTES = 5 * 1024 * 1024  # a 2000-row template is about 100 kB as xlsx, 500 kB as xls
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_SHEET_ROWS = 10000
MAX_SHEET_COLUMNS = 200
_CHUNK = 64 * 1024
_ZIP_MAGIC = b"PK\x03\x04"

LABELS = {
    "empty": "The file is empty.",
    "too_large": "The file is %(size)s bytes: at most %(max)s bytes (%(max_mb)s MB) per import.",
    "unpacked_too_large": "The file unpacks to more than %(max_mb)s MB: it is not a month-card template.",
    "too_many_sheet_rows": "The sheet has a cell on row %(row)s: at most %(max)s rows.",
    "too_many_sheet_columns": "The sheet has a cell beyond column %(max)s.",
    "unreadable": "The file is not a readable spreadsheet (%(error)s).",
    "no_sheet": "The file has no sheet.",
}
Label = sibling("ep_parking", "labels").label_class(LABELS, __name__)


class SheetError(Exception):
    """The file is refused; ``label`` says why (a :class:`Label`)."""

    def __init__(self, label):
        super().__init__(label)
        self.label = label


def read_rows(data):
    """The first sheet of the xlsx (or xls) file ``data`` (bytes) as lists of cell values (text,
    floats for numbers; rows as long as their last cell). Raises :class:`SheetError`."""
    if not data:
        raise SheetError(Label("empty"))
    if len(data) > MAX_FILE_BYTES:
        raise SheetError(Label("too_large", size=len(data), max=MAX_FILE_BYTES, max_mb=MAX_FILE_BYTES // 2 ** 20))
    if xlrd is None:  # pragma: no cover
        raise SheetError(Label("unreadable", error="xlrd is not installed"))
    if data[:4] == _ZIP_MAGIC:
        check_xlsx_parts(data)
    try:
        # on_demand: an xls's other sheets are not read (xlrd reads every sheet of an xlsx: checked
        # above); ragged_rows: no row padded to the widest one
        book = xlrd.open_workbook(file_contents=data, on_demand=True, ragged_rows=True,
                                  logfile=io.StringIO())  # its warnings on odd xls files: not on stdout
        if not book.nsheets:
            raise SheetError(Label("no_sheet"))
        sheet = book.sheet_by_index(0)
        return [sheet.row_values(index) for index in range(sheet.nrows)]
    except SheetError:
        raise
    except Exception as error:  # xlrd raises many types (XLRDError, AssertionError, zip, XML, ...) on a bad file
        raise SheetError(Label("unreadable", error=_short(error))) from None


def check_xlsx_parts(data):
    """Refuse an xlsx whose parts unpack too large or hold a cell beyond the sheet limits, before
    xlrd reads it: each part is unpacked in chunks (its real size, not the one the zip claims) and
    scanned for the row and column of its ``<row>`` and ``<c>`` elements."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except Exception as error:  # BadZipFile, or a directory that does not add up
        raise SheetError(Label("unreadable", error=_short(error))) from None
    unpacked = 0
    for member in members:
        chunks = []
        try:
            with archive.open(member) as part:
                while True:
                    chunk = part.read(_CHUNK)
                    if not chunk:
                        break
                    unpacked += len(chunk)
                    if unpacked > MAX_UNPACKED_BYTES:
                        raise SheetError(Label("unpacked_too_large", max_mb=MAX_UNPACKED_BYTES // 2 ** 20))
                    chunks.append(chunk)
        except SheetError:
            raise
        except Exception as error:  # a bad CRC, an unknown compression, an encrypted or truncated part
            raise SheetError(Label("unreadable", error=_short(error))) from None
        _check_cell_positions(b"".join(chunks))


def _check_cell_positions(content):
    """Rows and columns of the cells of one part, as xlrd reads them (an ``r`` attribute, or the next
    row / column when it is missing). Every part is parsed, whatever its name or encoding: one that
    is no XML from its start (an image) is left alone; xlrd cannot read a row from it either."""
    row = column = 0
    elements = 0
    try:
        for _event, element in ElementTree.iterparse(io.BytesIO(content), events=("start",)):
            elements += 1
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "row":
                number = element.get("r")
                row = _row_number(number) if number is not None else row + 1
                column = 0
                if row > MAX_SHEET_ROWS:
                    raise SheetError(Label("too_many_sheet_rows", row=row, max=MAX_SHEET_ROWS))
            elif tag == "c":
                name = element.get("r")
                column = _column_number(name) if name is not None else column + 1
                if column > MAX_SHEET_COLUMNS:
                    raise SheetError(Label("too_many_sheet_columns", max=MAX_SHEET_COLUMNS))
    except SheetError:
        raise
    except Exception as error:  # ParseError
        if elements:
            raise SheetError(Label("unreadable", error=_short(error))) from None


def _row_number(text):
    try:
        return int(text)
    except ValueError:
        return 0  # xlrd refuses it


def _column_number(name):
    """``A1`` -> 1, ``XFD1`` -> 16384, ``$B$2`` -> 2 (xlrd's reading: letters up to the first digit)."""
    column = 0
    for char in name:
        if char == "$":
            continue
        if "A" <= char <= "Z":
            column = column * 26 + ord(char) - ord("A") + 1
            if column > MAX_SHEET_COLUMNS:
                return column
        else:
            break
    return column


def _short(error, limit=200):
    text = "%s: %s" % (type(error).__name__, error) if str(error) else type(error).__name__
    text = "".join(char if char.isprintable() else " " for char in text)
    return text if len(text) <= limit else text[:limit] + "…"
