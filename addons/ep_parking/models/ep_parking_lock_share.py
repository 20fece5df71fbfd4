from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib.plate import normalize_plate
from .ep_parking_tariff import monetary_to_decimal

STATES = [("unpaid", "Unpaid"), ("in_use", "In Use"), ("stopping", "Stopping"), ("done", "Done (refunded)"),
          ("cancelled", "Cancelled")]


class EpParkingLockShare(models.Model):
    """A paid sharing order (预约共享订单, seed 000 §2.6.2): a car in the lot rents a shared space for a
    deposit. Paid → the lock lowers for the payer; "stop using" raises it, and once the lock has
    acked, the deposit goes back through the order's channel (原路退回), once."""

    _name = "ep.parking.lock.share"
    _description = "Paid Sharing Order"
    _order = "create_date desc, id desc"
    _rec_name = "plate"

    lock_id = fields.Many2one("ep.parking.space.lock", string="Space Lock", required=True, readonly=True,
                              index=True, ondelete="restrict")
    lot_id = fields.Many2one(related="lock_id.lot_id", store=True, readonly=True)
    region_id = fields.Many2one(related="lock_id.region_id", store=True, readonly=True)
    currency_id = fields.Many2one(related="lot_id.currency_id", readonly=True)
    space = fields.Char(related="lock_id.space", readonly=True)
    plate = fields.Char(required=True, readonly=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Payer", readonly=True, index=True)
    deposit = fields.Monetary(required=True, readonly=True)
    order_id = fields.Many2one("ep.parking.order", string="Deposit Order", readonly=True, ondelete="restrict")
    order_state = fields.Selection(related="order_id.state", string="Deposit", readonly=True)
    state = fields.Selection(STATES, required=True, default="unpaid", readonly=True, index=True)
    started_at = fields.Datetime(readonly=True)
    stopped_at = fields.Datetime(readonly=True)

    @api.model
    def _start(self, lock, plate, channel, partner=None):
        """An unpaid sharing order of ``lock`` for the car ``plate`` in the lot, and its deposit order."""
        plate = normalize_plate(plate or "")
        if not lock.paid_sharing:
            raise UserError(_("The space %s is not shared.") % lock.space)
        if lock.lock_state != "raised" or self.search_count([("lock_id", "=", lock.id),
                                                             ("state", "in", ("in_use", "stopping"))]):
            raise UserError(_("The space %s is in use.") % lock.space)
        if not self.env["ep.parking.unplated"]._lookup_plate(lock.lot_id, plate):
            raise UserError(_("The car %(plate)s is not in the lot %(lot)s.") % {"plate": plate,
                                                                              "lot": lock.lot_id.name})
        deposit = monetary_to_decimal(lock.lot_id.share_deposit)
        # sudo: drivers are not staff; the order and the share are checked above
        share = self.sudo().create({"lock_id": lock.id, "plate": plate, "deposit": float(deposit),
                                    "partner_id": partner.id if partner else False})
        share.order_id = self.env["ep.parking.order"].sudo().create({
            "kind": "deposit", "lot_id": lock.lot_id.id, "channel_id": channel.id, "amount": float(deposit),
            "plate": plate, "partner_id": partner.id if partner else False, "res_model": self._name,
            "res_id": share.id, "note": _("Deposit for the space %s") % lock.space})
        return share

    def _ep_order_paid(self, order):
        """The deposit is paid: the lock lowers for the payer."""
        self.ensure_one()
        if self.state != "unpaid":
            return
        self.write({"state": "in_use", "started_at": fields.Datetime.now()})
        self.lock_id._operate("lower", partner=self.partner_id, via="paid_share", check=False, share=self)

    @api.multi
    def action_stop(self):
        """停止使用: raise the lock; the deposit is refunded when the lock has raised."""
        for share in self:
            if share.state not in ("in_use", "stopping"):
                raise UserError(_("This sharing order is not in use: nothing to stop."))
        for share in self:
            share.write({"state": "stopping", "stopped_at": fields.Datetime.now()})
            share.lock_id._operate("raise", partner=share.partner_id, via="paid_share", check=False, share=share)
        return True

    def _on_lock_operated(self, operation):
        if operation.state == "done" and operation.action == "raise" and self.state == "stopping":
            self.order_id._do_refund()
            self.state = "done"

    def _check_payer(self, partner, token=None):
        """The payer: the same logged-in partner, or whoever holds the deposit order's token."""
        self.ensure_one()
        return (partner and self.partner_id == partner) or (token and self.order_id._check_token(token))
