from odoo import _, fields, models


class EpParkingSpaceLockOperation(models.Model):
    """One raise or lower of a space lock (车位锁记录, seed 000 §2.5.1 E): who, as what, how, and
    what the lock answered (the command's ack)."""

    _name = "ep.parking.space.lock.operation"
    _description = "Space Lock Operation"
    _order = "create_date desc, id desc"
    _rec_name = "lock_id"

    lock_id = fields.Many2one("ep.parking.space.lock", string="Space Lock", required=True, index=True,
                              ondelete="cascade", readonly=True)
    lot_id = fields.Many2one(related="lock_id.lot_id", store=True, readonly=True)
    region_id = fields.Many2one(related="lock_id.region_id", store=True, readonly=True)
    partner_id = fields.Many2one("res.partner", string="By", readonly=True, index=True)
    user_id = fields.Many2one("res.users", readonly=True)
    action = fields.Selection([("raise", "Raise"), ("lower", "Lower")], required=True, readonly=True)
    role = fields.Selection([("admin", "Lot Admin"), ("owner", "Owner"), ("sharer", "Sharer"), ("system", "System")],
                            readonly=True)
    via = fields.Selection([("portal", "Portal / QR code"), ("staff", "Back office"), ("paid_share", "Paid sharing")],
                           readonly=True)
    state = fields.Selection([("pending", "Sent"), ("done", "Done"), ("failed", "Failed")], required=True,
                             default="pending", readonly=True, index=True)
    command_id = fields.Many2one("ep.device.command", readonly=True, ondelete="set null")
    error = fields.Char(readonly=True)
    share_id = fields.Many2one("ep.parking.lock.share", string="Paid Sharing Order", readonly=True,
                               ondelete="set null")

    def _ep_device_command_done(self, command):
        """The lock answered (or the bridge gave up): the operation's result, the lock's state."""
        if command.state == "acked":
            self.write({"state": "done", "error": False})
            self.lock_id._on_operated(self)
        else:
            self.write({"state": "failed", "error": command.last_error or _("The lock did not answer.")})
        if self.share_id:
            self.share_id._on_lock_operated(self)
