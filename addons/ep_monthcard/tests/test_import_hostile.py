import base64

from odoo.exceptions import UserError

from ..lib import card_import, sheet_file
from ..lib.tests.hostile_files import far_cell
from ..models.ep_monthcard_import import xlsx_bytes
from .common import EpMonthcardCase
from .test_import import card_row


class TestImportHostile(EpMonthcardCase):
    """Hostile month-card import files (issue 14 item 4): refused with a reason, or row issues;
    never another error, never a card written. Regressions of what the fuzz found (lib/tests/
    test_card_import_fuzz.py, tests/integration/test_monthcard_import_hostile.py)."""

    def setUp(self):
        super().setUp()
        self.Import = self.env["ep.monthcard.import"].sudo(self.users["lot_staff"])

    def new_import(self, rows):
        record = self.Import.create({"lot_id": self.lot.id})
        record._set_card_rows(rows, filename="cards.xlsx")
        return record

    def counts(self):
        return (self.Card.search_count([]), self.env["ep.monthcard.plate"].search_count([]),
                self.env["res.partner"].with_context(active_test=False).search_count([]))

    def test_an_upload_larger_than_the_limit_is_refused_before_it_is_decoded(self):
        imports = self.Import.search_count([])
        too_large = b"A" * (sheet_file.MAX_FILE_BYTES * 4 // 3 + 8)  # base64 of a file above the limit
        with self.assertRaisesRegex(UserError, r"at most 5242880 bytes \(5 MB\) per import"):
            self.Import.create({"lot_id": self.lot.id, "file": too_large, "filename": "big.xlsx"})
        self.assertEqual(self.Import.search_count([]), imports)
        record = self.new_import([card_row("京A10001")])
        with self.assertRaisesRegex(UserError, "at most 5242880 bytes"):
            record.write({"file": too_large})
        record.action_check_sheet()  # the previous file is kept
        self.assertEqual(record.state, "checked_sheet")

    def test_a_file_that_is_not_base64_is_refused(self):
        """An RPC client may send anything: a binascii.Error from the attachment's decoding was a server
        error."""
        for value in ("not base64!", "QUJ", "粤B"):
            with self.assertRaisesRegex(UserError, "not valid base64"):
                self.Import.create({"lot_id": self.lot.id, "file": value, "filename": "x.xlsx"})
        record = self.Import.create({"lot_id": self.lot.id, "file": "UEsDBA==\n", "filename": "x.xlsx"})
        with self.assertRaisesRegex(UserError, "not a readable spreadsheet"):
            record.action_check_sheet()

    def test_hostile_cells_are_row_issues_and_nothing_is_written(self):
        """A NUL in a cell passed the row check and made the store fail in psycopg2 (ValueError); 2**31
        spaces and more (at the matching amount) overflowed the database's integer at store; 5000 digits
        (int()) or an amount of 40 digits (Decimal rounding) made the row check itself raise. 车位数 is
        now at most 9999."""
        before = self.counts()
        record = self.new_import([
            card_row("京A10001", customer="张\x00三"),
            card_row("京A10002", room="8\x1b101"),
            card_row("京A10003", spaces=card_import.MAX_SPACES + 1, amount=100 * (card_import.MAX_SPACES + 1)),
            card_row("京A10004", spaces="1" * 5000),
            card_row("京A10005", amount="1e40"),
            card_row("京A10006", customer="长" * 10000),
            card_row("京A10007"),
        ])
        record.action_check_sheet()
        record.action_check_rows()
        self.assertEqual(record.state, "checked_sheet")
        self.assertEqual((record.row_count, record.valid_count), (7, 1))
        self.assertEqual([(line.row, line.column, line.message) for line in record.line_ids], [
            (3, "客户", "A control character (such as NUL) is not allowed in a cell."),
            (4, "房号", "A control character (such as NUL) is not allowed in a cell."),
            (5, "车位数", "10000 spaces: at most 9999."),
            (6, "车位数", "Longer than 200 characters."),
            (6, "车位数", "%s… spaces: at most 9999." % ("1" * card_import.SHOWN_CHARS)),
            (7, "金额", "1e40 is not an amount."),
            (8, "客户", "Longer than 200 characters."),
        ])
        with self.assertRaisesRegex(UserError, "is done from the state"):
            record.action_store()
        self.assertEqual(self.counts(), before)

    def test_a_nul_in_the_title_or_a_header_is_shown_replaced(self):
        rows = [["Test\x00Lot"], list(card_import.HEADERS) + ["备\x00注"], card_row("京A10001")]
        record = self.Import.create({"lot_id": self.lot.id, "file": base64.b64encode(xlsx_bytes(rows)),
                                     "filename": "x.xlsx"})
        record.action_check_sheet()
        self.assertEqual([(line.row, line.column, line.message) for line in record.line_ids], [
            (1, False, "The title must be the lot's name Test Lot, not Test\ufffdLot."),
            (2, "备\ufffd注", "Unknown column 备\ufffd注.")])

    def test_a_cell_far_away_is_refused_before_it_is_read(self):
        """A 1 kB file with a cell at XFD1048576 made xlrd fill the memory of the server."""
        record = self.Import.create({"lot_id": self.lot.id, "file": base64.b64encode(far_cell(1048576, 16384)),
                                     "filename": "x.xlsx"})
        with self.assertRaisesRegex(UserError, "a cell on row 1048576: at most 10000 rows"):
            record.action_check_sheet()
        self.assertEqual(record.state, "draft")

    def test_refusals_in_the_users_language(self):
        record = self.Import.with_context(lang="zh_CN").create({
            "lot_id": self.lot.id, "file": base64.b64encode(far_cell(5, 16384)), "filename": "x.xlsx"})
        with self.assertRaises(UserError) as caught:
            record.action_check_sheet()
        message = caught.exception.name
        self.assertNotIn("The sheet", message)
        self.assertIn("200", message)
