import os

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..lib.space_lock import check_operation

LOCK_STATES = [("raised", "Raised"), ("lowered", "Lowered")]
STATUSES = LOCK_STATES + [("offline", "Offline")]


class EpParkingSpaceLock(models.Model):
    """A space lock (车位锁, seed 000 §2.5.1 A) on a space of a lot. It is a device of the bridge
    (kind *space_lock*, site code = the lot code, code = our code printed on the lock): raising and
    lowering queue MQTT commands ``raise_lock``/``lower_lock``, and the lock's ack sets its state.

    Who may operate it comes from its grants (admin of the lot, owner, sharer in a window) and
    ``lib/space_lock.py``; every operation is logged (``ep.parking.space.lock.operation``)."""

    _name = "ep.parking.space.lock"
    _description = "Space Lock"
    _inherits = {"ep.device": "device_id"}
    _inherit = ["mail.thread"]
    _order = "lot_id, lock_code"
    _rec_name = "lock_code"

    device_id = fields.Many2one("ep.device", required=True, ondelete="restrict", auto_join=True)
    lot_id = fields.Many2one("ep.parking.lot", required=True, index=True,
                             ondelete="restrict")
    region_id = fields.Many2one(related="lot_id.region_id", store=True, readonly=True)
    maker = fields.Char(required=True)
    hardware_code = fields.Char(required=True, help="The maker's code of the lock (硬件编码).")
    lock_code = fields.Char(required=True, index=True,
                            help="Our code, printed on the lock (易停编码), e.g. 00190014.")
    ble_code = fields.Char(string="Bluetooth Code", help="Bluetooth broadcast code (蓝牙广播编码).")
    space = fields.Char(required=True, help="The space number the lock guards.")
    lock_state = fields.Selection(LOCK_STATES, required=True, default="raised", readonly=True,
                                  track_visibility="onchange")
    status = fields.Selection(STATUSES, compute="_compute_status",
                              help="The lock's state, or Offline while its device is not connected to the broker.")
    lowered_by_id = fields.Many2one("res.partner", readonly=True,
                                    help="Who lowered the lock last (nobody once raised).")
    last_operation_at = fields.Datetime(readonly=True)
    paid_sharing = fields.Boolean(help="Cars in the lot may rent the space for a deposit (付费共享).")
    qr_token = fields.Char(string="QR Token", readonly=True, copy=False, index=True,
                           default=lambda self: os.urandom(12).hex())
    grant_ids = fields.One2many("ep.parking.space.lock.grant", "lock_id", string="Grants")
    operation_ids = fields.One2many("ep.parking.space.lock.operation", "lock_id", string="Operations")
    share_ids = fields.One2many("ep.parking.lock.share", "lock_id", string="Paid Sharing Orders")

    _sql_constraints = [("lock_code_uniq", "unique(lock_code)", "Lock codes are unique."),
                        ("qr_token_uniq", "unique(qr_token)", "QR tokens must be unique.")]

    @api.depends("lock_state", "device_id.online")
    def _compute_status(self):
        for lock in self:
            lock.status = lock.lock_state if lock.device_id.online else "offline"

    @api.model
    def create(self, vals):
        lot = self.env["ep.parking.lot"].browse(vals.get("lot_id"))
        code = (vals.get("lock_code") or "").strip()
        if not lot or not code:
            raise ValidationError(_("A space lock needs its lot and its code."))
        vals = dict(vals, lock_code=code, code="lock-%s" % code, site_code=lot.code, kind="space_lock",
                    name=vals.get("name") or _("Space lock %(code)s (%(space)s)") % {
                        "code": code, "space": vals.get("space") or ""},
                    vendor=vals.get("vendor") or vals.get("maker"))
        return super().create(vals)

    @api.multi
    def unlink(self):
        devices = self.mapped("device_id")
        result = super().unlink()
        devices.unlink()
        return result

    @api.model
    def _find(self, lock_code=None, token=None):
        """The lock with ``lock_code`` or QR ``token`` (what an owner scans or types), or UserError."""
        # sudo: owners reach a lock by its code or QR; what they may do is checked by _operate
        Lock = self.sudo()
        lock = Lock.search([("qr_token", "=", token)], limit=1) if token else \
            Lock.search([("lock_code", "=", (lock_code or "").strip())], limit=1)
        if not lock or not (token or lock_code):
            raise UserError(_("No space lock with this code."))
        return lock

    # ------------------------------------------------------------ who may
    def _get_grant(self, partner, now=None):
        """The enabled grant giving ``partner`` the strongest role on this lock, or an empty recordset."""
        self.ensure_one()
        grants = self.env["ep.parking.space.lock.grant"].sudo()._for_partner(partner).filtered(
            lambda g: g.lot_id == self.lot_id and (g.role == "admin" or g.lock_id == self))
        order = {"admin": 0, "owner": 1, "sharer": 2}
        grants = grants.sorted(lambda g: (order[g.role], not g._is_open(now)))
        return grants[:1]

    def _check_operation(self, action, partner, user=None):
        """``(role, grant)`` when ``partner`` may ``action`` the lock now; AccessError/UserError otherwise."""
        self.ensure_one()
        user = user or self.env.user
        now = fields.Datetime.now()
        if user.has_group("ep_parking.group_lot_staff") and not user.share and self.env["ep.parking.lot"].sudo(
                user).search_count([("id", "=", self.lot_id.id)]):  # staff of the lot's regions
            role, grant = "admin", self.env["ep.parking.space.lock.grant"]
        else:
            grant = self._get_grant(partner, now)
            if not grant:
                raise AccessError(_("You may not operate the space lock %s.") % self.lock_code)
            role = grant.role
        window = (fields.Datetime.from_string(grant.date_start) if grant.date_start else None,
                  fields.Datetime.from_string(grant.date_end) if grant.date_end else None) if grant else None
        reason = check_operation(role, action, self.lock_state, self.lowered_by_id == partner, window,
                                 fields.Datetime.from_string(now))
        if reason:
            raise UserError(self._reason_message(reason))
        return role, grant

    def _reason_message(self, reason):
        return {
            "in_use": _("Someone else lowered the space lock %s: you cannot operate it while it is in use.")
            % self.lock_code,
            "window": _("Your share of the space lock %s is not open now.") % self.lock_code,
            "action": _("A space lock is raised or lowered."),
            "role": _("You may not operate the space lock %s.") % self.lock_code,
        }[reason]

    # ------------------------------------------------------------ operate
    def _operate(self, action, partner=None, via="portal", check=True, share=None, user=None):
        """Raise or lower the lock for ``partner`` (the user's by default): checked, logged, sent to the
        lock through the bridge. Returns the operation; its state follows the lock's ack."""
        self.ensure_one()
        user = user or self.env.user
        partner = partner or user.partner_id
        role = "system"
        if check:
            role = self._check_operation(action, partner, user)[0]
        # sudo: the log and the command are the system's; who may was checked above
        operation = self.env["ep.parking.space.lock.operation"].sudo().create({
            "lock_id": self.id, "partner_id": partner.id, "action": action, "role": role, "via": via,
            "user_id": user.id, "share_id": share.id if share else False})
        operation.command_id = self.env["ep.device.command"].sudo().send(
            self.device_id, "%s_lock" % action, {"lock": self.lock_code, "space": self.space}, origin=operation)
        return operation

    @api.multi
    def action_raise(self):
        for lock in self:
            lock._operate("raise", via="staff")
        return True

    @api.multi
    def action_lower(self):
        for lock in self:
            lock._operate("lower", via="staff")
        return True

    def _on_operated(self, operation):
        """The lock acked ``operation``: its state and who lowered it."""
        # sudo: the lock's state is the system's trace of what the device did
        self.sudo().write({
            "lock_state": "lowered" if operation.action == "lower" else "raised",
            "lowered_by_id": operation.partner_id.id if operation.action == "lower" else False,
            "last_operation_at": fields.Datetime.now()})

    def _get_portal_url(self):
        self.ensure_one()
        return "/ep/lock/%s" % self.qr_token
