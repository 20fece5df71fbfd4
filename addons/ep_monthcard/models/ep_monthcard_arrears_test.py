from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class EpMonthcardArrearsTest(models.Model):
    """A room in arrears as the local test provider of the property-fee system sees it.

    Administrators add a row to put a room in arrears and delete it (or set 0) when the owner
    has paid; a room without a row is paid up."""

    _name = "ep.monthcard.arrears.test"
    _description = "Property-Fee Arrears (Test Provider)"
    _order = "room_code"
    _rec_name = "room_code"

    room_code = fields.Char(required=True, index=True,
                            help="The room's code in the property-fee system (as on the billing room).")
    amount = fields.Monetary(string="Arrears", required=True, help="Property fees owed; 0: paid up.")
    currency_id = fields.Many2one("res.currency", required=True,
                                  default=lambda self: self.env.user.company_id.currency_id)
    note = fields.Char()

    _sql_constraints = [("room_code_uniq", "unique(room_code)", "A room code appears once.")]

    @api.constrains("amount")
    def _check_amount(self):
        for row in self:
            if row.amount < 0:
                raise ValidationError(_("The arrears of %(room)s cannot be negative.") % {"room": row.room_code})
