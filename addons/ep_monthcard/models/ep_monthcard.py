from odoo import _, api, fields, models
from odoo.addons.ep_parking.lib import list_window
from odoo.exceptions import ValidationError

CARD_STATES = [
    ("created", "Created"),
    ("in_use", "In Use"),
    ("disabled", "Disabled"),
    ("cancelled", "Cancelled"),
]
# A card in these states lets its car in during its validity.
VALID_STATES = ("created", "in_use")


class EpMonthcard(models.Model):
    """A month card: a plate parks at a lot for a paid period (seed 000 §2.3).

    Minimal for now (lot, plate, holder, period, state); rules, applications,
    renewals and billing come with the month-card work.
    """

    _name = "ep.monthcard"
    _description = "Month Card"
    _inherit = ["ep.parking.plate.mixin", "mail.thread"]
    _order = "date_end desc, id desc"
    _rec_name = "plate"

    lot_id = fields.Many2one("ep.parking.lot", required=True, index=True, ondelete="restrict",
                             track_visibility="onchange")
    partner_id = fields.Many2one("res.partner", string="Holder", index=True, ondelete="restrict",
                                 track_visibility="onchange")
    phone = fields.Char(track_visibility="onchange")
    date_start = fields.Datetime(string="Valid From", required=True, default=fields.Datetime.now,
                                 track_visibility="onchange")
    date_end = fields.Datetime(string="Valid Until", required=True, index=True, track_visibility="onchange")
    state = fields.Selection(CARD_STATES, required=True, default="created", index=True, copy=False,
                             track_visibility="onchange")
    allow_online_renewal = fields.Boolean(
        string="Online Renewal", default=True, track_visibility="onchange",
        help="The holder may renew this card online (§2.3.8 B d: 是否允许APP续费); off: only at the lot.")
    note = fields.Text()

    @api.constrains("date_start", "date_end")
    def _check_period(self):
        for card in self:
            try:
                list_window.check_window(card.date_start, card.date_end)
            except ValueError:
                raise ValidationError(_("The month card of %s must end after it starts.") % card.plate) from None

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        if self.partner_id and not self.phone:
            self.phone = self.partner_id.mobile or self.partner_id.phone

    @api.multi
    def name_get(self):
        return [(card.id, "%s · %s" % (card.plate, card.lot_id.code or "")) for card in self]

    @api.model
    def _get_valid_domain(self, lot, at=None):
        """Cards of ``lot`` that let their car in at ``at`` (now by default)."""
        at = at or fields.Datetime.now()
        if not isinstance(at, str):
            at = fields.Datetime.to_string(at)
        return [("lot_id", "=", lot.id), ("state", "in", VALID_STATES),
                ("date_start", "<=", at), ("date_end", ">=", at)]
