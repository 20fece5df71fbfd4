from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib import pass_area
from .ep_monthcard import VALID_STATES


class EpMonthcardPassAreaMember(models.Model):
    """A one-card pass (一卡通车牌, seed 000 §2.3.5): a month card granted the lots of an area.

    Granted after the owner's request is approved (一号通审批): the staff enter the plate, the lot
    the card is paid at (缴费停车场) and the area. While the card is valid its cars (main and sub
    plates) park at the other lots of the area for 0.01 and leave within 15 minutes of paying;
    at the card's own lot the card applies as usual.
    """

    _name = "ep.monthcard.pass.area.member"
    _description = "One-Card Pass"
    _inherit = ["mail.thread"]
    _order = "area_id, plate, id"
    _rec_name = "plate"

    area_id = fields.Many2one("ep.monthcard.pass.area", required=True, index=True,
                              ondelete="cascade", track_visibility="onchange")
    card_id = fields.Many2one("ep.monthcard", string="Month Card", required=True, index=True, ondelete="cascade",
                              domain=[("state", "in", VALID_STATES)], track_visibility="onchange")
    # Set from the card on create (the region record rules read it): the lot the card is paid at.
    lot_id = fields.Many2one("ep.parking.lot", string="Card's Lot", required=True, index=True, readonly=True,
                             ondelete="cascade")
    region_id = fields.Many2one(related="lot_id.region_id", store=True, readonly=True)
    plate = fields.Char(related="card_id.plate", store=True, readonly=True, index=True)
    partner_id = fields.Many2one(related="card_id.partner_id", readonly=True)
    card_state = fields.Selection(related="card_id.state", string="Card State", readonly=True)
    card_date_end = fields.Datetime(related="card_id.date_end", string="Card Valid Until", readonly=True)
    card_valid = fields.Boolean(compute="_compute_card_valid", string="Card Valid Now")
    active = fields.Boolean(default=True, track_visibility="onchange")
    approval_request_id = fields.Many2one(
        "ep.approval.request", string="Approval", ondelete="restrict", track_visibility="onchange",
        domain=[("approval_state", "=", "approved")],
        help="The approved request (一号通审批, Approvals > Create Approval) the pass is granted on.")
    note = fields.Text(help="The approval the pass was granted on (who asked, which areas).")

    _sql_constraints = [("area_card_uniq", "unique(area_id, card_id)", "A card holds one pass per area.")]

    @api.depends("card_id.state", "card_id.date_start", "card_id.date_end")
    def _compute_card_valid(self):
        now = fields.Datetime.now()
        for member in self:
            card = member.card_id
            member.card_valid = bool(card) and card.state in VALID_STATES \
                and card.date_start <= now <= card.date_end

    @api.constrains("card_id")
    def _check_card(self):
        for member in self:
            if member.card_id.state == "cancelled":
                raise ValidationError(_("The month card %(plate)s is cancelled: it cannot hold a one-card pass.")
                                      % {"plate": member.card_id.plate})

    @api.constrains("approval_request_id")
    def _check_approval_request(self):
        for member in self.filtered("approval_request_id"):
            # sudo: the request may be out of the staff's sight; only its state is read
            if member.approval_request_id.sudo().approval_state != "approved":
                raise ValidationError(_("A one-card pass is granted on an approved request only (%(name)s is not).")
                                      % {"name": member.approval_request_id.sudo().name})

    @api.model
    def create(self, vals):
        vals = dict(vals)
        if vals.get("card_id"):
            vals["lot_id"] = self.env["ep.monthcard"].browse(vals["card_id"]).lot_id.id
        return super().create(vals)

    @api.multi
    def write(self, vals):
        if vals.get("card_id"):
            vals = dict(vals, lot_id=self.env["ep.monthcard"].browse(vals["card_id"]).lot_id.id)
        return super().write(vals)

    @api.model
    def _find_pass(self, lot, plate, at=None):
        """The pass that lets ``plate`` park at ``lot`` at ``at`` (a stored UTC string, now by
        default): its card valid then and another lot of the area than ``lot``. Empty if none."""
        at = at or fields.Datetime.now()
        if not isinstance(at, str):
            at = fields.Datetime.to_string(at)
        # sudo: the fee query is asked by payers and devices, who see no cards; only the pass found
        # (its area) leaves this method.
        # The plate's valid cards first (a domain through card_id would list every valid card).
        cards = self.env["ep.monthcard"].sudo().search([
            ("state", "in", VALID_STATES), ("date_start", "<=", at), ("date_end", ">=", at),
            "|", ("plate", "=", plate), ("plate_ids.plate", "=", plate)])
        if not cards:
            return self.browse()
        members = self.sudo().search([("card_id", "in", cards.ids), ("area_id.active", "=", True)])
        for member in members:
            if pass_area.is_pass_exit(member.lot_id.id, lot.id, member.area_id._get_area_lots().ids):
                return member
        return self.browse()
