from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib import list_window
from ..lib.plate import normalize_plate
from ..lib.space_lock import reservation_amount
from .ep_parking_tariff import monetary_to_decimal, to_lot_time

STATES = [("unpaid", "Unpaid"), ("paid", "Paid"), ("cancelled", "Cancelled")]


class EpParkingVirtualShare(models.Model):
    """A paid reservation entry (付费预约进场, 虚拟共享订单, seed 000 §2.6.3): at a lot closed to outside
    cars, a driver reserves a window for a plate and pays the lot's fixed fee plus the parking fee
    of the window (the lot's tariff); once paid, the plate is on the lot's whitelist for the window
    (the virtual sharing list)."""

    _name = "ep.parking.virtual.share"
    _description = "Paid Reservation Entry"
    _order = "create_date desc, id desc"
    _rec_name = "plate"

    lot_id = fields.Many2one("ep.parking.lot", required=True, readonly=True, index=True, ondelete="restrict")
    region_id = fields.Many2one(related="lot_id.region_id", store=True, readonly=True)
    currency_id = fields.Many2one(related="lot_id.currency_id", readonly=True)
    plate = fields.Char(required=True, readonly=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Payer", readonly=True, index=True)
    date_start = fields.Datetime(string="From", required=True, readonly=True)
    date_end = fields.Datetime(string="Until", required=True, readonly=True)
    fixed_fee = fields.Monetary(string="Reservation Fee", readonly=True)
    prepaid_fee = fields.Monetary(string="Prepaid Parking Fee", readonly=True)
    amount = fields.Monetary(string="Total", readonly=True)
    order_id = fields.Many2one("ep.parking.order", readonly=True, ondelete="restrict")
    list_entry_id = fields.Many2one("ep.parking.list.entry", string="Whitelist Window", readonly=True,
                                    ondelete="set null")
    push_state = fields.Selection(related="list_entry_id.push_state", readonly=True)
    state = fields.Selection(STATES, required=True, default="unpaid", readonly=True, index=True)

    @api.model
    def _quote(self, lot, plate, date_start, date_end):
        """``(fixed fee, prepaid parking fee, total)`` of reserving ``lot`` for ``plate`` (UTC window)."""
        if not lot.reservation_entry:
            raise UserError(_("The lot %s takes no paid reservations.") % lot.name)
        if not date_start or not date_end or date_end <= date_start:
            raise UserError(_("Choose a reservation window that ends after it starts."))
        if date_end <= fields.Datetime.now():
            raise UserError(_("The reservation window is over."))
        tariff = lot._get_tariff(self.env["ep.parking.order"]._get_vehicle_kind(normalize_plate(plate or "")))
        if not tariff:
            raise UserError(_("The lot %(lot)s has no published tariff.") % {"lot": lot.name})
        prepaid = tariff.compute_fee(to_lot_time(date_start), to_lot_time(date_end)).amount
        fixed = monetary_to_decimal(lot.reservation_fee)
        return fixed, prepaid, reservation_amount(fixed, prepaid)

    @api.model
    def _request(self, lot, plate, date_start, date_end, channel, partner=None):
        """An unpaid reservation and its order (fixed fee + prepaid fee)."""
        plate = normalize_plate(plate or "")
        if not plate:
            raise UserError(_("Enter the plate."))
        fixed, prepaid, total = self._quote(lot, plate, date_start, date_end)
        # sudo: drivers are not staff; the reservation is checked above
        share = self.sudo().create({
            "lot_id": lot.id, "plate": plate, "date_start": date_start, "date_end": date_end,
            "fixed_fee": float(fixed), "prepaid_fee": float(prepaid), "amount": float(total),
            "partner_id": partner.id if partner else False})
        share.order_id = self.env["ep.parking.order"].sudo().create({
            "kind": "reservation", "lot_id": lot.id, "channel_id": channel.id, "amount": float(total),
            "plate": plate, "partner_id": partner.id if partner else False, "res_model": self._name,
            "res_id": share.id, "fee_lines": "%s: %s\n%s: %s" % (_("Reservation fee"), fixed,
                                                                   _("Prepaid parking fee"), prepaid),
            "note": _("Reservation entry %(start)s – %(end)s") % {"start": date_start, "end": date_end}})
        return share

    def _ep_order_paid(self, order):
        """Paid: the plate goes on the lot's whitelist for the window."""
        self.ensure_one()
        if self.state != "unpaid":
            return
        entry = self.env["ep.parking.list.entry"].sudo().create({
            "lot_id": self.lot_id.id, "plate": self.plate, "list_type": list_window.WHITE,
            "date_start": self.date_start, "date_end": self.date_end,
            "note": _("Paid reservation entry (order %s).") % order.name})
        entry.action_push_add()
        self.write({"state": "paid", "list_entry_id": entry.id})
