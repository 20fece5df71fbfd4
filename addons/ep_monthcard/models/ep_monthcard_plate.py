from odoo import _, api, fields, models

from .ep_monthcard import PLATE_SWAP_KEY


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
    bound_card_id = fields.Many2one(
        "ep.monthcard", string="Bound From", readonly=True, ondelete="set null",
        help="The card this plate had before it was bound to this one (cancelled on binding).")
    bound_spaces = fields.Integer(
        readonly=True, help="Spaces the plate brought to the card when its own card was bound: they leave "
                            "with it when it is unbound.")

    _sql_constraints = [("card_plate_uniq", "unique(card_id, plate)", "A plate is on a card only once.")]

    @api.constrains("card_id", "plate")
    def _check_card_plates(self):
        if not self.env.context.get(PLATE_SWAP_KEY):
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

    # ------------------------------------------------------------ actions (§2.3.5 多位多车)
    @api.multi
    def action_unbind(self):
        """解绑 / 删除副卡: the plate leaves its card; its validity ends that day."""
        for card in self.mapped("card_id"):
            card._unbind_plates(self.filtered(lambda p, c=card: p.card_id == c))
        return True

    @api.multi
    def action_make_main(self):
        """更换主车牌: this plate becomes its card's main plate."""
        self.ensure_one()
        return self.card_id._swap_main_plate(self)

    def _prepare_unbound_card_vals(self, now, end):
        """The card of its own an unbound plate parks on until ``end`` (the end of the day)."""
        self.ensure_one()
        card = self.card_id
        return {
            "lot_id": card.lot_id.id, "plate": self.plate, "rule_id": card.rule_id.id, "card_kind": card.card_kind,
            "phone": self.phone or False, "spaces": max(self.bound_spaces, 1), "date_start": now, "date_end": end,
            "state": "created", "allow_online_renewal": card.allow_online_renewal,
            "note": _("Unbound from the card of %(main)s.") % {"main": card.plate},
        }
