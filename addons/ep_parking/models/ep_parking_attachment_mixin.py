import base64

from odoo import _, api, models
from odoo.exceptions import ValidationError

from ..lib import attachment_rules


class EpParkingAttachmentMixin(models.AbstractModel):
    """Upload limits for a record's ``attachment_ids`` (a Many2many to ``ir.attachment`` the model
    declares): at most ``_attachment_max_files`` files of ``_attachment_max_bytes`` each, of the
    kinds ``_attachment_allowed`` (``None``: any type), checked by ``lib/attachment_rules``.

    Files uploaded before the record was saved hang off no record: they are tied to it on save, so
    that who may read the record may read them, and they are deleted with it."""

    _name = "ep.parking.attachment.mixin"
    _description = "EP Attachment Limits"

    _attachment_allowed = attachment_rules.NOTE_ALLOWED
    _attachment_max_files = attachment_rules.NOTE_MAX_FILES
    _attachment_max_bytes = attachment_rules.MAX_BYTES

    @api.constrains("attachment_ids")
    def _check_attachments(self):
        for rec in self:
            try:
                attachment_rules.check_count(len(rec.attachment_ids), self._attachment_max_files)
                for attachment in rec.attachment_ids.with_context(bin_size=False):
                    attachment_rules.check_file(
                        attachment.datas_fname or attachment.name, base64.b64decode(attachment.datas or b""),
                        allowed=self._attachment_allowed, max_bytes=self._attachment_max_bytes)
            except attachment_rules.FileRuleError as error:
                raise ValidationError(self._file_error_message(error)) from error

    @api.model
    def _file_error_message(self, error):
        """A translated message for an attachment_rules.FileRuleError."""
        params = error.params
        name = params.get("name") or _("the file")
        if error.reason == attachment_rules.TOO_MANY:
            return _("You may add at most %(max)s attachments, not %(count)s.") % {
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
        rec = super().create(vals)
        rec._attach_uploads()
        return rec

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

    def _attach_uploads(self):
        for rec in self:
            loose = rec.attachment_ids.filtered(lambda att: not att.res_id)
            if loose:
                loose.write({"res_model": self._name, "res_id": rec.id})
