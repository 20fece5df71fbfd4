from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .ep_parking_tariff import monetary_to_decimal

CASH_REPORT_STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("confirmed", "Confirmed"),
    ("refused", "Refused"),
]
# What the declarer enters: editable while the report is a draft only.
DRAFT_FIELDS = ("lot_id", "user_id", "period_start", "period_end", "amount", "note")
# What the buttons set: never written directly, only by the action_* methods.
WORKFLOW_FIELDS = ("name", "state", "submitted_at", "confirmed_by_id", "confirmed_at", "move_id")
# Context key the action_* methods write under. Its value must be the very object below:
# a context sent over RPC holds JSON values only, so a client cannot forge it.
WORKFLOW_CONTEXT_KEY = "ep_parking_cash_report_workflow"
_WORKFLOW_TOKEN = object()


class EpParkingCashReport(models.Model):
    """A cash daily report (seed 000 §2.3.7 C 现金临停, 日报上缴).

    Guards hand the cash of temporary parking paid at the booth to the lot's toll staff at
    the change of shift; the toll staff declare it to the platform for a collection period
    (lot → period → amount → submit). Finance receives the cash and confirms the report,
    which posts the receipt to accounting as parking revenue of the lot (日报订单), or
    refuses it with a reason; a refused report goes back to draft to be corrected.
    """

    _name = "ep.parking.cash.report"
    _description = "Cash Daily Report"
    _inherit = ["mail.thread"]
    _order = "period_start desc, id desc"

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, index=True,
                       default=lambda self: _("New"))
    lot_id = fields.Many2one("ep.parking.lot", required=True, index=True, ondelete="restrict",
                             track_visibility="onchange")
    region_id = fields.Many2one(related="lot_id.region_id", store=True, readonly=True, index=True)
    company_id = fields.Many2one(related="lot_id.company_id", store=True, readonly=True)
    currency_id = fields.Many2one(related="lot_id.currency_id", readonly=True)
    user_id = fields.Many2one("res.users", string="Declared By", required=True, index=True, ondelete="restrict",
                              default=lambda self: self.env.user, track_visibility="onchange",
                              help="The toll staff who collected the cash from the guards and hands it in.")
    period_start = fields.Datetime(string="Collected From", required=True, track_visibility="onchange")
    period_end = fields.Datetime(string="Collected Until", required=True, track_visibility="onchange")
    amount = fields.Monetary(string="Amount Handed In", required=True, track_visibility="onchange")
    note = fields.Text()
    state = fields.Selection(CASH_REPORT_STATES, required=True, default="draft", readonly=True, copy=False,
                             index=True, track_visibility="onchange")
    submitted_at = fields.Datetime(readonly=True, copy=False)
    confirmed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    confirmed_at = fields.Datetime(readonly=True, copy=False)
    refuse_reason = fields.Text(copy=False, track_visibility="onchange",
                                help="Finance writes why the cash is refused before clicking Refuse.")
    move_id = fields.Many2one("account.move", string="Journal Entry", readonly=True, copy=False,
                              ondelete="restrict", help="The receipt posted when finance confirmed the cash.")

    _sql_constraints = [("name_uniq", "unique(name)", "A cash report reference must be unique.")]

    # ------------------------------------------------------------ constraints
    @api.constrains("period_start", "period_end")
    def _check_period(self):
        now = fields.Datetime.now()
        # sudo (in the three checks): they check data, not access; a report the user may not create
        # is refused by the access check that follows, with an access error rather than a failed check.
        for report in self.sudo():
            if report.period_end <= report.period_start:
                raise ValidationError(_("The collection period must end after it starts."))
            if report.period_end > now:
                raise ValidationError(_("The collection period cannot end in the future: declare the cash "
                                        "already collected."))

    @api.constrains("amount")
    def _check_amount(self):
        for report in self.sudo():
            if monetary_to_decimal(report.amount) <= 0:
                raise ValidationError(_("The amount handed in must be greater than zero."))

    @api.constrains("lot_id", "period_start", "period_end", "state")
    def _check_overlap(self):
        # sudo: see _check_period; the other reports of the lot count too, whoever may see them.
        for report in self.sudo().filtered(lambda r: r.state != "refused"):
            other = report.search(report._get_overlap_domain(), limit=1)
            if other:
                raise ValidationError(
                    _("The cash of %(lot)s from %(start)s to %(end)s is already declared in %(other)s "
                      "(%(other_start)s to %(other_end)s). Periods of one lot cannot overlap.")
                    % {"lot": report.lot_id.name, "start": self._format_datetime(report.period_start),
                       "end": self._format_datetime(report.period_end), "other": other.name,
                       "other_start": self._format_datetime(other.period_start),
                       "other_end": self._format_datetime(other.period_end)})

    def _format_datetime(self, value):
        """``value`` (UTC) in the user's time zone, to the minute, for messages."""
        local = fields.Datetime.context_timestamp(self, fields.Datetime.from_string(value))
        return local.strftime("%Y-%m-%d %H:%M")

    def _get_overlap_domain(self):
        """Non-refused reports of the same lot whose period overlaps this one (touching ends are fine:
        one shift ends when the next begins)."""
        self.ensure_one()
        return [("id", "!=", self.id), ("lot_id", "=", self.lot_id.id), ("state", "!=", "refused"),
                ("period_start", "<", self.period_end), ("period_end", ">", self.period_start)]

    # ------------------------------------------------------------ CRUD
    @api.model
    def create(self, vals):
        if not self._is_workflow():
            forced = [name for name in WORKFLOW_FIELDS + ("refuse_reason",) if name in vals and name != "name"]
            if forced:
                raise UserError(_("A cash report starts as a draft; its status is set by its buttons."))
        vals = dict(vals, name=self.env["ir.sequence"].next_by_code("ep.parking.cash.report") or _("New"))
        return super().create(vals)

    @api.multi
    def write(self, vals):
        if not self._is_workflow():
            self._check_writable(vals)
        return super().write(vals)

    @api.multi
    def unlink(self):
        if any(report.state in ("submitted", "confirmed") for report in self):
            raise UserError(_("A submitted or confirmed cash report cannot be deleted."))
        return super().unlink()

    def _is_workflow(self):
        return self.env.context.get(WORKFLOW_CONTEXT_KEY) is _WORKFLOW_TOKEN

    def _write_workflow(self, vals):
        """Write fields the buttons own (see WORKFLOW_FIELDS)."""
        return self.with_context(**{WORKFLOW_CONTEXT_KEY: _WORKFLOW_TOKEN}).write(vals)

    def _check_writable(self, vals):
        if any(name in vals for name in WORKFLOW_FIELDS):
            raise UserError(_("The reference and status of a cash report are set by its buttons only."))
        if any(name in vals for name in DRAFT_FIELDS) and any(report.state != "draft" for report in self):
            raise UserError(_("Only a draft cash report can be changed; a refused one is reset to draft first."))
        if "refuse_reason" in vals:
            self._check_finance()
            if any(report.state != "submitted" for report in self):
                raise UserError(_("A refusal reason is written on a submitted cash report only."))

    def _check_finance(self):
        if not self.env.user.has_group("ep_parking.group_finance"):
            raise AccessError(_("Only finance can confirm or refuse cash reports."))

    def _check_state(self, allowed, action):
        for report in self:
            if report.state not in allowed:
                raise UserError(_("%(action)s: the cash report %(report)s is %(state)s.")
                                % {"action": action, "report": report.name,
                                   "state": dict(self._fields["state"]._description_selection(self.env))
                                   [report.state]})

    # ------------------------------------------------------------ actions (buttons)
    @api.multi
    def action_submit(self):
        """上缴收费: the toll staff hand the declared cash in to the platform."""
        self.check_access_rights("write")
        self.check_access_rule("write")
        if not self.env.user.has_group("ep_parking.group_lot_staff"):
            raise AccessError(_("Only lot staff can submit cash reports."))
        self._check_state(("draft",), _("Submit"))
        return self._write_workflow({"state": "submitted", "submitted_at": fields.Datetime.now()})

    @api.multi
    def action_confirm(self):
        """Finance received the cash: post the receipt and confirm."""
        self._check_finance()
        self.check_access_rights("write")
        self.check_access_rule("write")
        self._check_state(("submitted",), _("Confirm"))
        now = fields.Datetime.now()
        date = fields.Date.context_today(self)
        for report in self:
            move = report._post_cash_receipt(date)
            report._write_workflow({"state": "confirmed", "confirmed_by_id": self.env.user.id,
                                    "confirmed_at": now, "move_id": move.id})
        return True

    @api.multi
    def action_refuse(self):
        """Finance did not receive the declared cash: refuse with the reason written on the report."""
        for report in self:
            report._refuse(report.refuse_reason)
        return True

    def _refuse(self, reason):
        """Refuse with ``reason`` (finance only; the app or a wizard may pass the reason directly)."""
        self._check_finance()
        self.check_access_rights("write")
        self.check_access_rule("write")
        self._check_state(("submitted",), _("Refuse"))
        text = (reason or "").strip()
        if not text:
            raise UserError(_("Write why the cash report %(report)s is refused first.")
                            % {"report": ", ".join(self.mapped("name"))})
        return self._write_workflow({"state": "refused", "refuse_reason": text})

    @api.multi
    def action_reset_draft(self):
        """A refused report goes back to its declarer to be corrected and submitted again."""
        self.check_access_rights("write")
        self.check_access_rule("write")
        if not self.env.user.has_group("ep_parking.group_lot_staff"):
            raise AccessError(_("Only lot staff can reset cash reports to draft."))
        self._check_state(("refused",), _("Reset to Draft"))
        return self._write_workflow({"state": "draft", "refuse_reason": False})

    # ------------------------------------------------------------ accounting
    def _prepare_receipt_label(self):
        self.ensure_one()
        return _("Cash daily report %(report)s: %(lot)s, %(start)s to %(end)s") % {
            "report": self.name, "lot": self.lot_id.sudo().name,
            "start": self.period_start, "end": self.period_end}

    def _post_cash_receipt(self, date):
        """Post the cash as parking revenue of the lot in the cash channel's journal. Returns the move."""
        self.ensure_one()
        # sudo: finance receives the cash of every lot while the lot rules follow the user's regions;
        # the lot is only read for its company and analytic account.
        lot = self.lot_id.sudo()
        return self.env.ref("ep_parking.payment_method_cash")._post_receipt(
            lot, monetary_to_decimal(self.amount), ref=self.name, date=date, partner=None,
            label=self._prepare_receipt_label())
