from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..lib.plate import normalize_plate
from ..lib.space_lock import check_window, in_window

ROLES = [("admin", "Lot Admin (管理员)"), ("owner", "Owner (产权人)"), ("sharer", "Sharer (共享人)")]


class EpParkingSpaceLockGrant(models.Model):
    """Who may operate space locks (车位锁授权, seed 000 §2.5.1 B, D; §2.6.1): by phone, as the lot's
    admin (every lock of the lot), the owner of a lock, or a sharer of it within a window. Owners
    share their lock free with a month-card car of the lot (免费共享): a sharer grant with the plate."""

    _name = "ep.parking.space.lock.grant"
    _description = "Space Lock Grant"
    _order = "create_date desc, id desc"
    _rec_name = "phone"

    lot_id = fields.Many2one("ep.parking.lot", required=True, index=True, ondelete="cascade")
    region_id = fields.Many2one(related="lot_id.region_id", store=True, readonly=True)
    lock_id = fields.Many2one("ep.parking.space.lock", string="Space Lock", index=True, ondelete="cascade",
                              help="Empty for the lot's admins: they operate every lock of the lot.")
    phone = fields.Char(required=True, index=True)
    partner_id = fields.Many2one("res.partner", string="User", index=True,
                                 help="Found from the phone when the grant is made.")
    role = fields.Selection(ROLES, required=True, default="owner")
    date_start = fields.Datetime(string="From")
    date_end = fields.Datetime(string="Until")
    plate = fields.Char(help="Free sharing: the month-card car of the lot the owner shares with.")
    shared_by_id = fields.Many2one("res.partner", readonly=True)
    source = fields.Selection([("staff", "Staff"), ("free_share", "Free Sharing (owner)")], required=True,
                              default="staff", readonly=True)
    active = fields.Boolean(string="Enabled", default=True)

    @api.model
    def create(self, vals):
        return super().create(self._prepare_grant_vals(vals))

    @api.multi
    def write(self, vals):
        if "phone" in vals:
            vals = self._prepare_grant_vals(vals)
        return super().write(vals)

    @api.model
    def _prepare_grant_vals(self, vals):
        vals = dict(vals)
        if vals.get("phone"):
            vals["phone"] = self.env["ep.parking.phone.verification"]._normalize_phone(vals["phone"])
            if not vals.get("partner_id"):
                vals["partner_id"] = self._find_partner(vals["phone"]).id or False
        if vals.get("lock_id") and not vals.get("lot_id"):
            vals["lot_id"] = self.env["ep.parking.space.lock"].browse(vals["lock_id"]).lot_id.id
        return vals

    @api.model
    def _find_partner(self, phone):
        # sudo: a grant names its user by phone; staff need not read every contact
        users = self.env["res.users"].sudo().search([("login", "=", phone)], limit=1)
        if users:
            return users.partner_id
        return self.env["res.partner"].sudo().search(["|", ("mobile", "=", phone), ("phone", "=", phone)], limit=1)

    @api.constrains("role", "lock_id", "lot_id", "date_start", "date_end")
    def _check_grant(self):
        for grant in self:
            if grant.role != "admin" and not grant.lock_id:
                raise ValidationError(_("Owners and sharers are granted one space lock."))
            if grant.lock_id and grant.lock_id.lot_id != grant.lot_id:
                raise ValidationError(_("The space lock is not in the grant's lot."))
            if grant.role == "sharer":
                try:
                    check_window(grant.date_start and fields.Datetime.from_string(grant.date_start),
                                 grant.date_end and fields.Datetime.from_string(grant.date_end))
                except ValueError:
                    raise ValidationError(_("A share has a window: from a moment until a later one.")) from None

    @api.model
    def _for_partner(self, partner):
        """The enabled grants of ``partner`` (by their contact, or by their phone as login)."""
        phones = [value for value in (partner.mobile, partner.phone) if value]
        phones += partner.user_ids.mapped("login")
        domain = [("partner_id", "=", partner.id)]
        if phones:
            domain = ["|", ("partner_id", "=", partner.id), ("phone", "in", phones)]
        return self.search(domain)

    def _is_open(self, now=None):
        self.ensure_one()
        now = fields.Datetime.from_string(now or fields.Datetime.now())
        window = (self.date_start and fields.Datetime.from_string(self.date_start),
                  self.date_end and fields.Datetime.from_string(self.date_end))
        return in_window((window[0] or None, window[1] or None), now)

    # ------------------------------------------------------------ free sharing (§2.6.1)
    @api.model
    def _share_free(self, lock, plate, phone, date_start, date_end, owner=None):
        """The ``owner`` (the user's partner by default) shares ``lock`` with the month-card car
        ``plate`` of the lot for a window."""
        owner = owner or self.env.user.partner_id
        grant = lock._get_grant(owner)
        if not grant or grant.role != "owner":
            raise UserError(_("Only the owner of the space lock %s may share it.") % lock.lock_code)
        plate = normalize_plate(plate or "")
        if not lock.lot_id._plate_has_valid_month_card(plate, date_start):
            raise UserError(_("%(plate)s has no valid month card at %(lot)s: free sharing is for its month-card "
                              "cars.") % {"plate": plate, "lot": lock.lot_id.name})
        # sudo: owners are not staff; the share is checked above (owner of the lock, month-card car)
        return self.sudo().create({
            "lot_id": lock.lot_id.id, "lock_id": lock.id, "role": "sharer", "phone": phone, "plate": plate,
            "date_start": date_start, "date_end": date_end, "shared_by_id": owner.id, "source": "free_share"})
