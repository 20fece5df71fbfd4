from odoo import _, api, fields, models
from odoo.addons.ep_parking.lib.plate import normalize_plate
from odoo.exceptions import UserError


class EpMonthcardPlateSwapWizard(models.TransientModel):
    """换车牌 (seed 000 §2.3.5): enter the new plate, check both cards' validity, confirm."""

    _name = "ep.monthcard.plate.swap.wizard"
    _description = "Swap a Month Card's Plate"

    card_id = fields.Many2one("ep.monthcard", string="Month Card", required=True, readonly=True,
                              ondelete="cascade")
    lot_id = fields.Many2one(related="card_id.lot_id", readonly=True)
    rule_id = fields.Many2one(related="card_id.rule_id", readonly=True)
    plate = fields.Char(related="card_id.plate", string="Old Plate", readonly=True)
    date_start = fields.Datetime(related="card_id.date_start", string="Old Plate Valid From", readonly=True)
    date_end = fields.Datetime(related="card_id.date_end", string="Old Plate Valid Until", readonly=True)
    new_plate = fields.Char(required=True, help="The plate of another card of the lot with the same rule.")
    other_card_id = fields.Many2one("ep.monthcard", string="New Plate's Card", compute="_compute_other_card")
    other_date_start = fields.Datetime(string="New Plate Valid From", compute="_compute_other_card")
    other_date_end = fields.Datetime(string="New Plate Valid Until", compute="_compute_other_card")
    reason = fields.Text(required=True, help="Why the owner swaps (kept in the swap log).")

    @api.depends("card_id", "new_plate")
    def _compute_other_card(self):
        Swap = self.env["ep.monthcard.plate.swap"]
        for wizard in self:
            other = Swap._find_card(wizard.card_id.lot_id, normalize_plate(wizard.new_plate or "")) \
                if wizard.card_id and wizard.new_plate else self.env["ep.monthcard"]
            wizard.other_card_id = other
            wizard.other_date_start, wizard.other_date_end = other.date_start, other.date_end

    @api.multi
    def action_swap(self):
        self.ensure_one()
        plate = normalize_plate(self.new_plate or "")
        other = self.env["ep.monthcard.plate.swap"]._find_card(self.card_id.lot_id, plate)
        if not other:
            raise UserError(_("%(plate)s has no created or in-use month card at %(lot)s.")
                            % {"plate": plate, "lot": self.card_id.lot_id.name})
        self.env["ep.monthcard.plate.swap"]._swap(self.card_id, other, self.reason)
        return {"type": "ir.actions.act_window_close"}
