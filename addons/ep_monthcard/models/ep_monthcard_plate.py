from odoo import api, fields, models


class EpMonthcardPlate(models.Model):
    """A sub plate of a month card (一卡多车, seed 000 §2.3.5 多位多车的绑定).

    The card's main plate is the one fees are computed on; its sub plates come and go
    under the same card and validity. A plate belongs to at most one valid card of a lot,
    as main or sub plate.
    """

    _name = "ep.monthcard.plate"
    _description = "Month Card Sub Plate"
    _inherit = ["ep.parking.plate.mixin"]
    _order = "card_id, id"
    _rec_name = "plate"

    card_id = fields.Many2one("ep.monthcard", string="Month Card", required=True, index=True, ondelete="cascade")
    lot_id = fields.Many2one(related="card_id.lot_id", store=True, readonly=True)
    card_state = fields.Selection(related="card_id.state", readonly=True)
    date_end = fields.Datetime(related="card_id.date_end", readonly=True)
    phone = fields.Char(help="The phone of the sub plate's driver (needed to add a new plate).")
    note = fields.Char()

    _sql_constraints = [("card_plate_uniq", "unique(card_id, plate)", "A plate is on a card only once.")]

    @api.constrains("card_id", "plate")
    def _check_card_plates(self):
        self.mapped("card_id")._check_plate_conflicts()

    # ------------------------------------------------------------ CRUD: a cancelled card is read-only
    @api.model
    def create(self, vals):
        self.env["ep.monthcard"].browse(vals.get("card_id"))._check_writable({"plate_ids": True})
        return super().create(vals)

    @api.multi
    def write(self, vals):
        cards = self.mapped("card_id") | self.env["ep.monthcard"].browse(vals.get("card_id"))
        cards._check_writable({"plate_ids": True})
        return super().write(vals)

    @api.multi
    def unlink(self):
        self.mapped("card_id")._check_writable({"plate_ids": True})
        return super().unlink()
