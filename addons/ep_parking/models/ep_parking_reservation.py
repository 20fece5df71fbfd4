from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..lib import list_window
from ..lib import reservation as rules

RESERVATION_STATES = [
    (rules.PENDING, "Pending"),
    (rules.APPROVED, "Approved"),
    (rules.REJECTED, "Rejected"),
    (rules.CANCELLED, "Cancelled"),
]
REVIEW_MODES = [("system", "System Review"), ("manual", "Manual Review")]
# Context key of imports and demo data: records are taken as given (state, review),
# nothing is checked against month cards and nothing is pushed to the lot.
IMPORT_CONTEXT_KEY = "ep_parking_reservation_import"
FIXED_FIELDS = ("lot_id", "partner_id")  # who booked where: fixed once requested
PENDING_ONLY_FIELDS = ("plate", "date_start", "date_end")  # what the whitelist holds: fixed once approved


class EpParkingReservation(models.Model):
    """A free entry reservation (seed 000 §2.2.6 免费预约进场).

    Owners book a window for a plate at a lot; approval puts the plate on the lot's
    whitelist for that window. How a request is reviewed is the lot's setting at the
    time of the request: system review lets only month-card holders of the lot book and
    approves at once; manual review lets anyone book and waits for lot staff.
    The buttons follow the manual's state table, kept in ``lib/reservation.py``.
    """

    _name = "ep.parking.reservation"
    _description = "Free Entry Reservation"
    _inherit = ["ep.parking.plate.mixin", "mail.thread"]
    _order = "request_date desc, id desc"
    _rec_name = "plate"

    lot_id = fields.Many2one("ep.parking.lot", required=True, index=True, ondelete="restrict",
                             track_visibility="onchange")
    partner_id = fields.Many2one("res.partner", string="Owner", required=True, index=True, ondelete="restrict",
                                 track_visibility="onchange", help="Who asked for the reservation.")
    phone = fields.Char(track_visibility="onchange")
    date_start = fields.Datetime(string="Reserved From", required=True, track_visibility="onchange")
    date_end = fields.Datetime(string="Reserved Until", required=True, index=True, track_visibility="onchange")
    request_date = fields.Datetime(string="Requested At", required=True, readonly=True, index=True,
                                   default=fields.Datetime.now, copy=False)
    review_mode = fields.Selection(
        REVIEW_MODES, readonly=True, index=True,
        help="The lot's review setting when the reservation was requested.",
    )
    state = fields.Selection(
        RESERVATION_STATES, required=True, default=rules.PENDING, readonly=True, copy=False, index=True,
        track_visibility="onchange",
    )
    list_entry_id = fields.Many2one(
        "ep.parking.list.entry", string="Whitelist Entry", readonly=True, copy=False, ondelete="set null",
        help="The whitelist entry that lets the car in during the reservation.",
    )
    push_state = fields.Selection(related="list_entry_id.push_state", readonly=True)
    push_message = fields.Char(related="list_entry_id.push_message", readonly=True)
    note = fields.Text()

    # ------------------------------------------------------------ constraints and onchanges
    @api.constrains("date_start", "date_end")
    def _check_window(self):
        for reservation in self:
            try:
                list_window.check_window(reservation.date_start, reservation.date_end)
            except ValueError:
                raise ValidationError(_("A reservation must end after it starts.")) from None

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        if self.partner_id and not self.phone:
            self.phone = self.partner_id.mobile or self.partner_id.phone

    @api.multi
    def name_get(self):
        return [(reservation.id, "%s · %s · %s" % (reservation.plate, reservation.lot_id.code or "",
                                                   reservation.date_start or ""))
                for reservation in self]

    # ------------------------------------------------------------ CRUD
    @api.model
    def create(self, vals):
        if self.env.context.get(IMPORT_CONTEXT_KEY):
            return super().create(self._prepare_import_vals(vals))
        lot = self.env["ep.parking.lot"].browse(vals.get("lot_id"))
        partner = self.env["res.partner"].browse(vals.get("partner_id"))
        vals = dict(vals, state=rules.PENDING, review_mode=lot.reservation_review)
        vals.pop("list_entry_id", None)
        if not vals.get("phone") and partner:
            vals["phone"] = partner.mobile or partner.phone
        if lot and vals["review_mode"] == "system":
            self._check_booking_permission(lot, partner)
        reservation = super().create(vals)
        if reservation.review_mode == "system":
            reservation._run_action(rules.APPROVE)
            reservation.message_post(body=_("Approved by the system review: the owner holds a month card here."))
        return reservation

    @api.multi
    def write(self, vals):
        if not self.env.context.get(IMPORT_CONTEXT_KEY):
            if any(name in vals for name in FIXED_FIELDS):
                raise UserError(_("The lot and the owner of a reservation cannot change: create a new one."))
            if any(name in vals for name in PENDING_ONLY_FIELDS) and any(r.state != rules.PENDING for r in self):
                raise UserError(_("Only pending reservations can change their plate or time: restore it first."))
        return super().write(vals)

    @api.model
    def _prepare_import_vals(self, vals):
        if vals.get("lot_id") and not vals.get("review_mode"):
            lot = self.env["ep.parking.lot"].browse(vals["lot_id"])
            vals = dict(vals, review_mode=lot.reservation_review)
        return vals

    @api.model
    def _check_booking_permission(self, lot, partner):
        """System review: only month-card holders of the lot book (for friends and family)."""
        if not (partner and lot._partner_has_valid_month_card(partner)):
            raise UserError(_("No reservation permission: only month-card holders of this lot can book here."))

    @api.model
    def _request(self, lot, partner, plate, date_start, date_end, phone=None, note=None):
        """A reservation asked by ``partner`` (the owner app): checked and, on a
        system-review lot, approved at once. Returns the reservation."""
        return self.create({
            "lot_id": lot.id, "partner_id": partner.id, "plate": plate, "date_start": date_start,
            "date_end": date_end, "phone": phone or partner.mobile or partner.phone, "note": note,
        })

    # ------------------------------------------------------------ actions (buttons)
    @api.multi
    def action_approve(self):
        """同意: push the whitelist for the window, then approved."""
        return self._staff_action(rules.APPROVE)

    @api.multi
    def action_reject(self):
        """拒绝: rejected, nothing sent."""
        return self._staff_action(rules.REJECT)

    @api.multi
    def action_cancel_staff(self):
        """取消 (back office): an approved reservation is cancelled and its whitelist removed."""
        return self._staff_action(rules.CANCEL_STAFF)

    @api.multi
    def action_resend(self):
        """重发: push the whitelist again (an earlier push failed)."""
        return self._staff_action(rules.RESEND)

    @api.multi
    def action_restore(self):
        """恢复: back to pending (an approved one loses its whitelist)."""
        return self._staff_action(rules.RESTORE)

    @api.multi
    def action_cancel_owner(self):
        """APP取消: the owner cancels while the reservation has not ended.

        The owner portal calls it once it checked the reservation is the owner's."""
        now = fields.Datetime.now()
        ended = self.filtered(lambda r: not rules.owner_may_cancel(r.date_end, now))
        if ended:
            raise UserError(_("The reservation of %s has ended: it can no longer be cancelled.") % ended[0].plate)
        return self._staff_action(rules.CANCEL_OWNER)

    def _get_owner_cancellable(self):
        """Those of these reservations the owner may still cancel (the portal's *Cancel* button)."""
        now = fields.Datetime.now()
        return self.filtered(lambda r: rules.CANCEL_OWNER in rules.allowed_actions(r.state)
                             and rules.owner_may_cancel(r.date_end, now))

    def _staff_action(self, action):
        self.check_access_rights("write")
        self.check_access_rule("write")
        self._check_action(action)
        for reservation in self:
            reservation._run_action(action)
        return True

    def _check_action(self, action):
        for reservation in self:
            try:
                rules.transition(reservation.state, action)
            except ValueError:
                raise UserError(_("%(action)s is not possible on a reservation that is %(state)s (%(plate)s).") % {
                    "action": self._get_action_labels()[action],
                    "state": dict(self._fields["state"]._description_selection(self.env))[reservation.state],
                    "plate": reservation.plate,
                }) from None

    def _get_action_labels(self):
        return {
            rules.APPROVE: _("Approve"), rules.REJECT: _("Reject"), rules.CANCEL_OWNER: _("Cancel by the owner"),
            rules.CANCEL_STAFF: _("Cancel"), rules.RESEND: _("Resend"), rules.RESTORE: _("Restore"),
        }

    def _run_action(self, action):
        """Apply one row of the state table: the whitelist effect, then the state."""
        self.ensure_one()
        new_state, effect = rules.transition(self.state, action)
        if effect in (rules.PUSH, rules.RESEND_PUSH):
            self._push_whitelist()
        elif effect == rules.REMOVE:
            self._remove_whitelist()
        self.write({"state": new_state})

    # ------------------------------------------------------------ whitelist
    def _prepare_list_entry_vals(self):
        return {
            "lot_id": self.lot_id.id, "plate": self.plate, "list_type": list_window.WHITE,
            "date_start": self.date_start, "date_end": self.date_end,
            "note": _("Reservation of %(owner)s requested at %(date)s.") % {
                "owner": self.partner_id.display_name, "date": self.request_date},
        }

    def _push_whitelist(self):
        """Put the plate on the lot's whitelist for the reservation window."""
        self.ensure_one()
        entry = self.list_entry_id
        if entry:
            if (entry.date_start, entry.date_end) != (self.date_start, self.date_end):
                entry.write({"date_start": self.date_start, "date_end": self.date_end})
        else:
            entry = self.env["ep.parking.list.entry"].create(self._prepare_list_entry_vals())
            self.list_entry_id = entry
        entry.action_push_add()
        return entry

    def _remove_whitelist(self):
        """Take the plate off the whitelist if the lot has it or may be getting it."""
        self.ensure_one()
        entry = self.list_entry_id
        if entry and (entry.state in list_window.LISTED_STATES or entry.push_state == "pending"):
            entry.action_push_remove()
        return entry
