import hashlib
import secrets

from odoo import _, api, fields, models
from odoo.tools import consteq


def _token_hash(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class EpParkingVendor(models.Model):
    """A device vendor (seed 000 §2.1.3 供应商): cloud platforms and local systems.

    Vendors report passages through /ep/api/v1/ with a bearer token; only its SHA-256
    is stored, so a leaked database does not leak working tokens.
    """

    _name = "ep.parking.vendor"
    _description = "Parking Device Vendor"
    _inherit = ["mail.thread"]
    _order = "name"

    name = fields.Char(required=True, track_visibility="onchange")
    code = fields.Char(required=True, index=True, track_visibility="onchange")
    kind = fields.Selection(
        [("cloud", "Cloud Platform"), ("local", "Local System")],
        required=True, default="local", track_visibility="onchange",
    )
    active = fields.Boolean(default=True)
    contact = fields.Char()
    phone = fields.Char()
    token_hash = fields.Char(copy=False, groups="ep_parking.group_admin", readonly=True, index=True)
    has_token = fields.Boolean(compute="_compute_has_token")
    token_set_at = fields.Datetime(readonly=True, copy=False, track_visibility="onchange")
    lot_count = fields.Integer(compute="_compute_lot_count")

    _sql_constraints = [("code_uniq", "unique(code)", "A vendor code must be unique.")]

    def _compute_has_token(self):
        # sudo: the hash is for administrators; whether one is set is not secret.
        hashes = {vendor.id: vendor.token_hash for vendor in self.sudo()}
        for vendor in self:
            vendor.has_token = bool(hashes.get(vendor.id))

    def _compute_lot_count(self):
        Lot = self.env["ep.parking.lot"]
        for vendor in self:
            vendor.lot_count = Lot.search_count(
                ["|", ("vendor_cloud_id", "=", vendor.id), ("vendor_local_id", "=", vendor.id)])

    @api.multi
    def set_api_token(self, token):
        """Store the hash of ``token`` (demo data and the token wizard)."""
        if not token or len(token) < 16:
            raise ValueError("an API token needs at least 16 characters")
        self.sudo().write({"token_hash": _token_hash(token), "token_set_at": fields.Datetime.now()})
        return True

    @api.multi
    def action_generate_token(self):
        """Make a new token, store its hash and show it once."""
        self.ensure_one()
        # Only those who may edit the vendor may replace its token (set_api_token writes as superuser).
        self.check_access_rights("write")
        self.check_access_rule("write")
        token = secrets.token_urlsafe(32)
        self.set_api_token(token)
        wizard = self.env["ep.parking.vendor.token"].create({"vendor_id": self.id, "token": token})
        return {
            "type": "ir.actions.act_window", "res_model": wizard._name, "res_id": wizard.id,
            "view_mode": "form", "target": "new", "name": _("New API Token"),
        }

    @api.model
    def _authenticate(self, token):
        """The active vendor whose token is ``token``, or an empty recordset."""
        if not token:
            return self.browse()
        digest = _token_hash(token)
        # sudo: the caller is a machine presenting a token, not a user; we compare hashes only.
        vendor = self.sudo().search([("token_hash", "=", digest)], limit=1)
        if vendor and consteq(vendor.token_hash, digest):
            return vendor
        return self.browse()

