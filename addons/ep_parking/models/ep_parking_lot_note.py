from odoo import api, fields, models

from ..lib import attachment_rules


class EpParkingLotNote(models.Model):
    """A note on a lot's special situation: text and up to three attachments
    (seed 000 §2.1.3 停车场备注: jpg/png/pdf, at most 5 MB each)."""

    _name = "ep.parking.lot.note"
    _description = "Lot Note"
    _order = "date desc, id desc"
    _rec_name = "body"
    _inherit = ["ep.parking.attachment.mixin"]

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

    @api.multi
    def name_get(self):
        return [(note.id, "%s: %s" % (note.lot_id.name, (note.body or "").split("\n")[0][:40])) for note in self]
