from odoo import fields, models


class EpMonthcardImportLine(models.Model):
    """An issue a step of a month-card import found: the sheet's row and column, and what is wrong."""

    _name = "ep.monthcard.import.line"
    _description = "Month Card Import Issue"
    _order = "import_id, row, id"

    import_id = fields.Many2one("ep.monthcard.import", required=True, index=True,
                                ondelete="cascade")
    lot_id = fields.Many2one(related="import_id.lot_id", store=True, readonly=True)
    step = fields.Selection([("sheet", "Sheet Check"), ("rows", "Row Check"), ("store", "Store")], required=True)
    row = fields.Integer(help="The row number as the spreadsheet shows it; 0: the file as a whole.")
    column = fields.Char(help="The column's header, if the issue is about one column.")
    message = fields.Char(required=True)
