import base64
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..lib import attachment_rules

DOCUMENT_STATES = [("active", "Active"), ("expired", "Expired"), ("renewed", "Renewed"), ("void", "Void")]


class EpParkingDocument(models.Model):
    """Electronic copies of a lot's contracts and acceptance forms (seed 000 §2.1.5 停车场资料管理):
    a signed scan as PDF under 5 MB, its amount, validity and state."""

    _name = "ep.parking.document"
    _description = "Lot Document"
    _inherit = ["mail.thread"]
    _order = "date_end desc, id desc"

    _file_allowed = ("pdf",)
    _file_max_bytes = attachment_rules.MAX_BYTES

    name = fields.Char(required=True, track_visibility="onchange")
    lot_id = fields.Many2one(
        "ep.parking.lot", required=True, index=True, ondelete="cascade", track_visibility="onchange")
    region_id = fields.Many2one(related="lot_id.region_id", store=True, readonly=True, string="Division")
    doc_type = fields.Selection(
        [("ep_contract", "EP Contract"), ("merchant_contract", "Merchant Contract"),
         ("acceptance", "Acceptance Form"), ("other", "Other")], string="Type", required=True,
        default="ep_contract", track_visibility="onchange")
    code = fields.Char(string="Document Code", index=True, track_visibility="onchange",
                       help="The code written on the paper document.")
    currency_id = fields.Many2one(related="lot_id.currency_id", readonly=True)
    amount = fields.Monetary(
        string="Amount (Rent)", track_visibility="onchange", help="The amount of the contract, if it has one.")
    file = fields.Binary(attachment=True, copy=False, help="The signed and stamped paper scanned as PDF, under 5 MB.")
    file_name = fields.Char(copy=False)
    state = fields.Selection(
        DOCUMENT_STATES, required=True, default="active", copy=False, index=True, track_visibility="onchange")
    uploader = fields.Char(
        string="Uploaded By", default=lambda self: self.env.user.name, track_visibility="onchange",
        help="Name of the person who uploaded the document.")
    validity_years = fields.Integer(string="Validity (Years)", track_visibility="onchange")
    date_start = fields.Date(string="Valid From", track_visibility="onchange")
    date_end = fields.Date(string="Valid Until", index=True, track_visibility="onchange")
    note = fields.Text()

    # ------------------------------------------------------------ constraints and onchanges
    @api.constrains("file", "file_name")
    def _check_file(self):
        for document in self.with_context(bin_size=False):
            if not document.file:
                continue
            try:
                attachment_rules.check_file(
                    document.file_name or document.name, base64.b64decode(document.file),
                    allowed=self._file_allowed, max_bytes=self._file_max_bytes)
            except attachment_rules.FileRuleError as error:
                raise ValidationError(self.env["ep.parking.lot.note"]._file_error_message(error)) from error

    @api.constrains("date_start", "date_end", "validity_years")
    def _check_dates(self):
        for document in self:
            if document.validity_years < 0:
                raise ValidationError(_("The validity of a document cannot be negative."))
            if document.date_start and document.date_end and document.date_end < document.date_start:
                raise ValidationError(_("Document %(name)s ends (%(end)s) before it starts (%(start)s).") % {
                    "name": document.name, "end": document.date_end, "start": document.date_start})

    @api.onchange("date_start", "validity_years")
    def _onchange_validity(self):
        """A contract of N years starting on a day ends the day before that day N years later."""
        if self.date_start and self.validity_years > 0:
            start = fields.Date.from_string(self.date_start)
            self.date_end = fields.Date.to_string(start + relativedelta(years=self.validity_years, days=-1))

    # ------------------------------------------------------------ actions
    def _check_state_from(self, allowed, message):
        """Raise ``message`` (with %(name)s and %(state)s) for the first document not in ``allowed``."""
        labels = dict(self._fields["state"]._description_selection(self.env))
        for document in self:
            if document.state not in allowed:
                raise UserError(message % {"name": document.name, "state": labels[document.state]})

    @api.multi
    def action_renew(self):
        """Mark the document renewed and open the renewal, starting when this one ends."""
        self.ensure_one()
        self._check_state_from(("active", "expired"), _(
            "Only active or expired documents can be renewed; %(name)s is %(state)s."))
        self.write({"state": "renewed"})
        return {
            "type": "ir.actions.act_window",
            "name": _("Renewal"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "current",
            "context": self._prepare_renewal_context(),
        }

    def _prepare_renewal_context(self):
        self.ensure_one()
        start = fields.Date.from_string(self.date_end) + timedelta(days=1) if self.date_end else None
        context = {
            "default_%s" % name: self[name] for name in ("name", "code", "amount", "validity_years", "note")
        }
        context.update({"default_lot_id": self.lot_id.id, "default_doc_type": self.doc_type})
        if start:
            context["default_date_start"] = fields.Date.to_string(start)
            if self.validity_years > 0:
                context["default_date_end"] = fields.Date.to_string(
                    start + relativedelta(years=self.validity_years, days=-1))
        return context

    @api.multi
    def action_void(self):
        self._check_state_from(("active", "expired", "renewed"), _(
            "Document %(name)s is already %(state)s."))
        return self.write({"state": "void"})

    @api.multi
    def action_reactivate(self):
        """Undo a wrong expiry or renewal mark, e.g. after the end date was corrected."""
        self._check_state_from(("expired", "renewed"), _(
            "Only expired or renewed documents can be made active again; %(name)s is %(state)s."))
        ended = self.filtered(lambda doc: doc.date_end and doc.date_end < fields.Date.context_today(doc))
        if ended:
            raise UserError(_("Document %s has ended: correct its end date first.") % ended[0].name)
        return self.write({"state": "active"})

    # ------------------------------------------------------------ business
    @api.model
    def _get_expired_domain(self):
        return [("state", "=", "active"), ("date_end", "!=", False),
                ("date_end", "<", fields.Date.context_today(self))]

    @api.model
    def _cron_mark_expired(self):
        """Daily: active documents whose validity has ended become expired."""
        documents = self.search(self._get_expired_domain())
        if documents:
            documents.write({"state": "expired"})
        return documents
