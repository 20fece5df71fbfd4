import base64

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib import attachment_rules


class EpParkingLotNote(models.Model):
    """A note on a lot's special situation: text and up to three attachments
    (seed 000 §2.1.3 停车场备注: jpg/png/pdf, at most 5 MB each)."""

    _name = "ep.parking.lot.note"
    _description = "Lot Note"
    _order = "date desc, id desc"
    _rec_name = "body"

    _attachment_allowed = attachment_rules.NOTE_ALLOWED
    _attachment_max_files = attachment_rules.NOTE_MAX_FILES
    _attachment_max_bytes = attachment_rules.MAX_BYTES

    lot_id = fields.Many2one("ep.parking.lot", required=True, index=True, ondelete="cascade")
    body = fields.Text(string="Note", required=True)
    user_id = fields.Many2one(
        "res.users", string="Author", required=True, readonly=True, default=lambda self: self.env.user)
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    attachment_ids = fields.Many2many(
        "ir.attachment", "ep_parking_lot_note_ir_attachment_rel", "note_id", "attachment_id",
        string="Attachments", help="At most 3 files, jpg, png or pdf, 5 MB each.",
    )
    attachment_count = fields.Integer(compute="_compute_attachment_count")

    @api.depends("attachment_ids")
    def _compute_attachment_count(self):
        for note in self:
            note.attachment_count = len(note.attachment_ids)

    @api.constrains("attachment_ids")
    def _check_attachments(self):
        for note in self:
            try:
                attachment_rules.check_count(len(note.attachment_ids), self._attachment_max_files)
                for attachment in note.attachment_ids.with_context(bin_size=False):
                    attachment_rules.check_file(
                        attachment.datas_fname or attachment.name, base64.b64decode(attachment.datas or b""),
                        allowed=self._attachment_allowed, max_bytes=self._attachment_max_bytes)
            except attachment_rules.FileRuleError as error:
                raise ValidationError(self._file_error_message(error)) from error

    @api.model
    def _file_error_message(self, error):
        """A translated message for an attachment_rules.FileRuleError (also used by documents)."""
        params = error.params
        name = params.get("name") or _("the file")
        if error.reason == attachment_rules.TOO_MANY:
            return _("A note takes at most %(max)s attachments, not %(count)s.") % {
                "max": params["max_count"], "count": params["count"]}
        if error.reason == attachment_rules.TOO_LARGE:
            return _("%(name)s is larger than %(max)s.") % {
                "name": name, "max": attachment_rules.format_size(params["max_bytes"])}
        if error.reason == attachment_rules.BAD_EXTENSION:
            return _("%(name)s is not accepted: only %(kinds)s files may be uploaded.") % {
                "name": name, "kinds": "/".join(params["allowed"])}
        if error.reason == attachment_rules.BAD_CONTENT:
            return _("%(name)s is not a real %(kind)s file: its content does not match its name.") % {
                "name": name, "kind": params["kind"]}
        return _("%s is empty.") % name

    # ------------------------------------------------------------ CRUD
    @api.model
    def create(self, vals):
        note = super().create(vals)
        note._attach_uploads()
        return note

    @api.multi
    def write(self, vals):
        result = super().write(vals)
        if "attachment_ids" in vals:
            self._attach_uploads()
        return result

    @api.multi
    def unlink(self):
        self.env["ir.attachment"].search([("res_model", "=", self._name), ("res_id", "in", self.ids)]).unlink()
        return super().unlink()

    @api.multi
    def name_get(self):
        return [(note.id, "%s: %s" % (note.lot_id.name, (note.body or "").split("\n")[0][:40])) for note in self]

    def _attach_uploads(self):
        """Files uploaded before the note was saved hang off no record: tie them to the note so that
        who may read the note may read them, and they are deleted with it."""
        for note in self:
            loose = note.attachment_ids.filtered(lambda att: not att.res_id)
            if loose:
                loose.write({"res_model": self._name, "res_id": note.id})
