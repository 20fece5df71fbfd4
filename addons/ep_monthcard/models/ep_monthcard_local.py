from odoo import _, api, models
from odoo.exceptions import UserError


class EpMonthcard(models.Model):
    """查看本地 (seed 000 §2.3.5): ask the lot's vendor what it holds of this card. It is a
    comparison of this one card (``ep.monthcard.comparison`` with ``card_id``), shown with what
    the vendor answered even when it matches, and repaired from there (resend or delete)."""

    _inherit = "ep.monthcard"

    @api.multi
    def action_view_local(self):
        self.ensure_one()
        self._check_can_push()
        if not self.lot_id._can_take_commands():
            raise UserError(_("The lot %(lot)s has no local server or toll PC: its vendor cannot be asked about "
                              "%(plate)s.") % {"lot": self.lot_id.name, "plate": self.plate})
        record = self.env["ep.monthcard.comparison"].create({"lot_id": self.lot_id.id, "card_id": self.id})
        record.action_start()
        return record._action_open_form()
