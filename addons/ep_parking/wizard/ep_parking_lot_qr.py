from odoo import _, api, fields, models

from ..lib import qr

QR_KINDS = [
    (qr.EXIT, "Fast Exit Payment QR"),
    (qr.LOT, "Lot Payment QR"),
    (qr.GENERIC, "Generic Payment QR"),
    (qr.ENTRY, "Unplated Entry QR"),
]


class EpParkingLotQr(models.TransientModel):
    """The QR materials of a lot to download or print (seed 000 §2.1.3 物料下载)."""

    _name = "ep.parking.lot.qr"
    _description = "Lot QR Materials"

    lot_id = fields.Many2one("ep.parking.lot", required=True, readonly=True, ondelete="cascade")
    line_ids = fields.One2many("ep.parking.lot.qr.line", "wizard_id", string="Materials", readonly=True)

    # ------------------------------------------------------------ actions
    @api.model
    def _action_open(self, lot):
        lot.ensure_one()
        wizard = self.create({
            "lot_id": lot.id,
            "line_ids": [(0, 0, self._prepare_line_vals(material)) for material in self._get_lot_materials(lot)],
        })
        return {
            "type": "ir.actions.act_window",
            "name": _("QR Materials of %s") % lot.name,
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "views": [(self.env.ref("ep_parking.ep_parking_lot_qr_view_form").id, "form")],
            "target": "new",
        }

    @api.multi
    def action_print_all(self):
        self.ensure_one()
        return {"type": "ir.actions.act_url", "url": self._get_pdf_url(self.lot_id), "target": "new"}

    # ------------------------------------------------------------ business
    @api.model
    def _get_base_url(self):
        # sudo: the public base URL is a system parameter that staff users may not read themselves.
        return self.env["ir.config_parameter"].sudo().get_param("web.base.url")

    @api.model
    def _get_kind_label(self, kind):
        return dict(self.env["ep.parking.lot.qr.line"]._fields["kind"]._description_selection(self.env))[kind]

    @api.model
    def _get_pdf_label(self):
        return _("QR Materials")

    @api.model
    def _get_gates(self, lot, kind):
        """The active gates of ``lot`` carrying a ``kind`` material, as the current user sees them."""
        direction = qr.GATE_DIRECTIONS[kind]
        return lot.device_ids.filtered(
            lambda d: d.active and d.kind == "gate" and d.direction == direction and d.qr_token)

    @api.model
    def _get_lot_materials(self, lot):
        """[{kind, label, gate, url, filename}] of every QR material of ``lot``, in the order of the manual:
        one fast exit code per exit gate, the lot code, the generic code, one unplated entry code per
        entry gate."""
        base = self._get_base_url()
        materials = []
        for kind, _label in QR_KINDS:
            if qr.is_gate_kind(kind):
                for gate in self._get_gates(lot, kind):
                    materials.append(self._prepare_material(lot, kind, qr.material_url(base, kind, gate.qr_token),
                                                            gate))
            else:
                key = lot.code if kind == qr.LOT else None
                materials.append(self._prepare_material(lot, kind, qr.material_url(base, kind, key)))
        return materials

    @api.model
    def _get_material(self, lot, kind, gate=None):
        """The one material of ``lot`` of this ``kind`` (and gate), or None when there is no such material."""
        for material in self._get_lot_materials(lot):
            if material["kind"] == kind and (material["gate"] or None) == (gate or None):
                return material
        return None

    @api.model
    def _prepare_material(self, lot, kind, url, gate=None):
        gate = gate or self.env["ep.device"]
        label = self._get_kind_label(kind)
        return {
            "kind": kind,
            "label": label,
            "gate": gate,
            "url": url,
            "filename": qr.material_filename(lot.name, label, gate.name or None),
            "download_url": self._get_png_url(lot, kind, gate),
        }

    @api.model
    def _prepare_line_vals(self, material):
        return {
            "kind": material["kind"],
            "gate_id": material["gate"].id,
            "url": material["url"],
            "filename": material["filename"],
            "download_url": material["download_url"],
        }

    @api.model
    def _get_png_url(self, lot, kind, gate=None):
        url = "/ep/parking/lot/%d/qr/%s.png" % (lot.id, kind)
        return "%s?gate=%d" % (url, gate.id) if gate else url

    @api.model
    def _get_pdf_url(self, lot):
        return "/ep/parking/lot/%d/qr.pdf" % lot.id


class EpParkingLotQrLine(models.TransientModel):
    _name = "ep.parking.lot.qr.line"
    _description = "Lot QR Material"
    _order = "id"

    wizard_id = fields.Many2one("ep.parking.lot.qr", required=True, ondelete="cascade")
    kind = fields.Selection(QR_KINDS, required=True, readonly=True)
    gate_id = fields.Many2one("ep.device", readonly=True)
    url = fields.Char(string="Encoded URL", readonly=True)
    filename = fields.Char(string="File Name", readonly=True)
    download_url = fields.Char(string="Download", readonly=True)

    @api.multi
    def action_download(self):
        self.ensure_one()
        return {"type": "ir.actions.act_url", "url": self.download_url, "target": "new"}
