from odoo import _, api, fields, models
from odoo.exceptions import UserError


class EpMonthcardBind(models.TransientModel):
    """Bind plates to a month card (多位多车绑定, seed 000 §2.3.5).

    A new plate (no card of its own) joins with its driver's mobile; existing cards of the lot
    join with their spaces and remaining validity (merged by value into the card's end) and are
    cancelled. One card of another rule takes the card's rule; two or more must follow it first.
    """

    _name = "ep.monthcard.bind"
    _description = "Bind Plates to a Month Card"

    card_id = fields.Many2one("ep.monthcard", string="Month Card", required=True, readonly=True,
                              ondelete="cascade")
    lot_id = fields.Many2one(related="card_id.lot_id", readonly=True)
    rule_id = fields.Many2one(related="card_id.rule_id", readonly=True)
    date_end = fields.Datetime(related="card_id.date_end", string="Valid Until", readonly=True)
    spaces = fields.Integer(related="card_id.spaces", readonly=True)
    mode = fields.Selection([("plate", "New Plate"), ("cards", "Existing Cards")], string="Bind", required=True,
                            default="plate",
                            help="New plate: a car without a month card at the lot. Existing cards: cards of the "
                                 "lot join this one.")
    plate = fields.Char(help="The plate to add, e.g. 粤B12345.")
    phone = fields.Char(help="The 11-digit mobile number of the new plate's driver.")
    bound_card_ids = fields.Many2many("ep.monthcard", string="Cards to Bind",
                                      help="Created or in-use cards of the same lot without sub plates.")
    new_date_end = fields.Datetime(string="New Valid Until", compute="_compute_preview")
    new_spaces = fields.Integer(compute="_compute_preview")
    rule_note = fields.Char(compute="_compute_preview")

    @api.depends("card_id", "mode", "bound_card_ids")
    def _compute_preview(self):
        for wizard in self:
            card, cards = wizard.card_id, wizard.bound_card_ids
            wizard.new_date_end, wizard.new_spaces, wizard.rule_note = card.date_end, card.spaces, False
            if wizard.mode != "cards" or not card or not cards or card in cards:
                continue
            wizard.new_spaces = card.spaces + sum(cards.mapped("spaces"))
            misaligned = cards.filtered(lambda c, rule=card.rule_id: c.rule_id != rule)
            if misaligned and len(cards) > 1:
                wizard.rule_note = _("Rules differ (%(plates)s): change them to %(rule)s first.") % {
                    "plates": ", ".join(misaligned.mapped("plate")), "rule": card.rule_id.name or "-"}
            elif misaligned:
                wizard.rule_note = _("%(plate)s will take the rule %(rule)s.") % {
                    "plate": misaligned.plate, "rule": card.rule_id.name or "-"}
            if card.rule_id:
                wizard.new_date_end = card._get_bind_end(cards)

    @api.multi
    def action_bind(self):
        self.ensure_one()
        if not self.card_id:
            raise UserError(_("Choose the month card to bind plates to."))
        if self.mode == "plate":
            self.card_id._bind_plate(self.plate, self.phone)
        else:
            self.card_id._bind_cards(self.bound_card_ids)
        return {"type": "ir.actions.act_window_close"}
