from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..lib import billing

OPEN_STATES = ("planned", "suspended")


class EpMonthcardSuspension(models.Model):
    """A month-card suspension (报停, seed 000 §2.3.5).

    An owner away for a long time suspends the card for at least 15 days; the card must
    still be valid for a month when asked. From the start the card is disabled (the car pays
    as a temporary one); on resuming, at the planned date or earlier, the card's end moves
    by the whole days suspended when they are 15 or more (``lib/billing.suspension_extension``).
    Operators handle suspensions for owners (§2.3.5: 运营人员操作).
    """

    _name = "ep.monthcard.suspension"
    _description = "Month Card Suspension"
    _inherit = ["mail.thread"]
    _order = "suspend_from desc, id desc"
    _rec_name = "card_id"

    card_id = fields.Many2one("ep.monthcard", string="Month Card", required=True, index=True, ondelete="cascade",
                              readonly=True, states={"planned": [("readonly", False)]})
    lot_id = fields.Many2one("ep.parking.lot", required=True, index=True, readonly=True, ondelete="restrict",
                             help="The card's lot, set on creation (the region record rules read it).")
    region_id = fields.Many2one(related="lot_id.region_id", store=True, readonly=True)
    plate = fields.Char(related="card_id.plate", readonly=True)
    requested_at = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now,
                                   help="When the suspension was asked for: the card must be valid a month past it.")
    suspend_from = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True,
                                   states={"planned": [("readonly", False)]}, track_visibility="onchange")
    planned_resume = fields.Datetime(string="Resume On", required=True, readonly=True,
                                     default=lambda self: self._default_planned_resume(),
                                     states={"planned": [("readonly", False)]}, track_visibility="onchange")
    resumed_at = fields.Datetime(readonly=True, copy=False)
    state = fields.Selection(
        [("planned", "Planned"), ("suspended", "Suspended"), ("resumed", "Resumed"), ("cancelled", "Cancelled")],
        required=True, default="planned", readonly=True, copy=False, index=True, track_visibility="onchange")
    card_state_before = fields.Char(readonly=True, copy=False)
    end_before = fields.Datetime(string="Valid Until Before", readonly=True, copy=False)
    extension_days = fields.Integer(readonly=True, copy=False)
    note = fields.Text()

    @api.model
    def create(self, vals):
        vals = dict(vals)
        if vals.get("card_id"):
            vals["lot_id"] = self.env["ep.monthcard"].browse(vals["card_id"]).lot_id.id
        return super().create(vals)

    @api.multi
    def write(self, vals):
        if "card_id" in vals:
            vals = dict(vals, lot_id=self.env["ep.monthcard"].browse(vals["card_id"]).lot_id.id)
        return super().write(vals)

    # ------------------------------------------------------------ checks
    @api.constrains("card_id", "suspend_from", "planned_resume", "requested_at")
    def _check_request(self):
        for suspension in self.filtered(lambda s: s.state == "planned"):
            card = suspension.card_id
            if card.state not in ("created", "in_use"):
                raise ValidationError(_("Only a card in use can be suspended (%(plate)s).") % {"plate": card.plate})
            try:
                billing.check_suspension_request(suspension._moment(suspension.suspend_from),
                                                 suspension._moment(suspension.planned_resume))
                billing.suspension_extension(suspension._moment(card.date_end),
                                             suspension._moment(suspension.suspend_from),
                                             suspension._moment(suspension.planned_resume),
                                             suspension._moment(suspension.requested_at))
            except billing.BillingError as exc:
                raise ValidationError(suspension._billing_message(exc)) from None
            if self.search_count([("card_id", "=", card.id), ("state", "in", OPEN_STATES),
                                  ("id", "!=", suspension.id)]):
                raise ValidationError(_("The card %(plate)s already has a suspension in progress.")
                                      % {"plate": card.plate})

    @api.model
    def _moment(self, value):
        return fields.Datetime.from_string(value)

    @api.model
    def _billing_message(self, error):
        if error.reason == billing.SUSPENSION_TOO_SHORT:
            return _("The suspension must last at least 15 days.")
        if error.field == "card_end":
            return _("A card can be suspended only while it is valid for at least one more month.")
        if error.field == "suspend_from":
            return _("The suspension must start before the card ends.")
        return _("The suspension must end after it starts.")

    @api.multi
    def unlink(self):
        if self.filtered(lambda s: s.state == "suspended"):
            raise UserError(_("Resume a suspended card instead of deleting its suspension."))
        return super().unlink()

    # ------------------------------------------------------------ flow
    @api.multi
    def action_start(self):
        """The suspension begins: the card is disabled (the car pays as a temporary one)."""
        for suspension in self:
            if suspension.state != "planned":
                raise UserError(_("Only a planned suspension can start."))
        for suspension in self:
            card = suspension._card()
            if card.state not in ("created", "in_use"):  # disabled or cancelled meanwhile
                suspension.write({"state": "cancelled"})
                suspension.message_post(body=_("Not started: the card is no longer in use."))
                continue
            suspension.write({"state": "suspended", "card_state_before": card.state, "end_before": card.date_end})
            card.action_disable()
            card.message_post(body=_("Suspended until %(date)s.") % {"date": suspension.planned_resume})
        return True

    @api.multi
    def action_resume(self):
        """The card comes back now (or at the planned date, by the job): its end moves by the whole
        days suspended when they are 15 or more."""
        for suspension in self:
            if suspension.state != "suspended":
                raise UserError(_("Only a suspended card can resume."))
        now = fields.Datetime.now()
        for suspension in self:
            resumed_at = min(now, suspension.planned_resume)
            try:
                extension = billing.suspension_extension(
                    self._moment(suspension.end_before), self._moment(suspension.suspend_from),
                    self._moment(resumed_at), self._moment(suspension.requested_at))
            except billing.BillingError as exc:
                raise UserError(suspension._billing_message(exc)) from None
            card = suspension._card()
            if card.state == "cancelled":  # cancelled meanwhile: nothing left to give back
                suspension.write({"state": "resumed", "resumed_at": resumed_at})
                continue
            new_end = self._moment(card.date_end) + extension
            suspension.write({"state": "resumed", "resumed_at": resumed_at, "extension_days": extension.days})
            card.write({"date_end": fields.Datetime.to_string(new_end)})
            card.action_enable()
            card.message_post(body=_("Resumed; valid until %(date)s (%(days)s days added).")
                              % {"date": card.date_end, "days": extension.days})
        return True

    @api.multi
    def action_cancel(self):
        if self.filtered(lambda s: s.state != "planned"):
            raise UserError(_("Only a planned suspension can be cancelled."))
        return self.write({"state": "cancelled"})

    def _card(self):
        """The card, written as the system: operators may suspend cards they may not edit (§2.3.5)."""
        self.ensure_one()
        self.check_access_rights("write")
        self.check_access_rule("write")
        # sudo: the suspension's own rights and region rule were checked just above.
        return self.card_id.sudo()

    @api.model
    def _cron_process(self):
        """Start planned suspensions whose day came; resume those whose planned end passed."""
        now = fields.Datetime.now()
        self.search([("state", "=", "planned"), ("suspend_from", "<=", now)]).action_start()
        due = self.search([("state", "=", "suspended"), ("planned_resume", "<=", now)])
        due.action_resume()
        return len(due)

    @api.model
    def _default_planned_resume(self):
        return fields.Datetime.to_string(fields.Datetime.from_string(fields.Datetime.now()) + timedelta(days=15))
