from datetime import datetime, time, timedelta

from odoo import _, api, fields, models
from odoo.addons.ep_parking.lib.plate import normalize_plate
from odoo.addons.ep_parking.models.ep_parking_tariff import from_lot_time, monetary_to_decimal, to_lot_time
from odoo.exceptions import UserError

from ..lib.reservation import admits, book

STATES = [("reserved", "Reserved"), ("used", "Arrived"), ("expired", "Expired"), ("cancelled", "Cancelled")]


class EpChargingReservation(models.Model):
    """A reservation order (预约订单, seed 004 §5.3, §2.2): a charging space held for one plate for the
    rule's minutes, for its fee. The pile keeps the space (barrier or space lock) for that plate
    until the reservation ends or the car arrives; a cron expires what nobody used."""

    _name = "ep.charging.reservation"
    _description = "Charging Reservation"
    _inherit = ["ep.charging.station.document.mixin", "ep.charging.payable.mixin"]
    _payment_kind = "reservation"
    _order = "start_at desc, id desc"

    connector_id = fields.Many2one("ep.charging.connector", string="Gun", required=True, readonly=True,
                                   ondelete="restrict")
    space_number = fields.Char(related="connector_id.charger_id.space_number", readonly=True)
    plate = fields.Char(required=True, readonly=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Owner", readonly=True, index=True)
    phone = fields.Char(readonly=True)
    rule_id = fields.Many2one("ep.charging.reservation.rule", readonly=True, ondelete="restrict")
    minutes = fields.Integer(string="Reserved (minutes)", readonly=True)
    fee = fields.Monetary(string="Reservation Fee", readonly=True)
    start_at = fields.Datetime(string="Start", readonly=True, index=True)
    end_at = fields.Datetime(string="End", readonly=True, index=True)
    entered_at = fields.Datetime(string="Entered", readonly=True)
    left_at = fields.Datetime(string="Left", readonly=True)
    state = fields.Selection(STATES, required=True, default="reserved", readonly=True, index=True)
    payment_state = fields.Selection([("unpaid", "Unpaid"), ("paid", "Paid"), ("free", "Free")], required=True,
                                     default="unpaid", readonly=True)

    @api.model
    def _count_today(self, station, plate, partner, start):
        """The owner's reservations at the station's lot on the (lot) day of ``start``."""
        day = to_lot_time(fields.Datetime.to_string(start)).date()
        begin = fields.Datetime.to_string(from_lot_time(datetime.combine(day, time.min)))
        end = fields.Datetime.to_string(from_lot_time(datetime.combine(day + timedelta(days=1), time.min)))
        owner = [("partner_id", "=", partner.id)] if partner else [("plate", "=", plate)]
        return self.search_count(owner + [("lot_id", "=", station.lot_id.id), ("state", "!=", "cancelled"),
                                          ("start_at", ">=", begin), ("start_at", "<", end)])

    @api.model
    def _reserve(self, connector, plate, partner=None, phone=None, start=None):
        """Hold ``connector``'s space for ``plate`` from ``start`` (now): checked, booked, then the pile
        told (``reserve_space``)."""
        station = connector.station_id
        plate = normalize_plate(plate or "")
        if not plate:
            raise UserError(_("Enter the plate the space is held for."))
        if not station.reservation_published or not station.reservation_rule_id:
            raise UserError(_("The station %s takes no reservations.") % station.name)
        if connector.state in ("fault", "offline", "charging"):
            raise UserError(_("The gun %s cannot be reserved now.") % connector.name)
        start = start or fields.Datetime.from_string(fields.Datetime.now())
        # the gun's row locked: two owners booking the same space at once get one booking
        self.env.cr.execute("SELECT id FROM ep_charging_connector WHERE id = %s FOR UPDATE", [connector.id])
        if self.search_count([("connector_id", "=", connector.id), ("state", "=", "reserved"),
                              ("end_at", ">", fields.Datetime.to_string(start))]):
            raise UserError(_("The space of gun %s is already reserved.") % connector.name)
        rule = station.reservation_rule_id
        try:
            booking = book({"minutes": rule.minutes, "daily_limit": rule.daily_limit,
                            "fee": monetary_to_decimal(rule.fee)}, start,
                           self._count_today(station, plate, partner, start))
        except ValueError as exc:
            raise UserError(_("Reservation refused: %s") % exc) from None
        reservation = self.create({
            "station_id": station.id, "connector_id": connector.id, "plate": plate,
            "partner_id": partner.id if partner else False, "phone": phone, "rule_id": rule.id,
            "minutes": rule.minutes, "fee": float(booking.fee), "start_at": fields.Datetime.to_string(booking.start),
            "end_at": fields.Datetime.to_string(booking.end), "payment_state": "unpaid" if booking.fee else "free"})
        connector.charger_id._send("reserve_space", {"gun": connector.number, "plate": plate,
                                                     "until": reservation.end_at})
        return reservation

    def _admits(self, plate, moment):
        self.ensure_one()
        return admits((self.plate, fields.Datetime.from_string(self.start_at),
                       fields.Datetime.from_string(self.end_at)), normalize_plate(plate or ""),
                      fields.Datetime.from_string(moment))

    @api.model
    def _on_arrival(self, connector, plate, when):
        """The space camera saw ``plate`` enter: the running reservation of the space is used."""
        reservation = self.search([("connector_id", "=", connector.id), ("state", "=", "reserved"),
                                   ("start_at", "<=", when), ("end_at", ">", when)], limit=1)
        if reservation and reservation._admits(plate, when) and reservation.plate == normalize_plate(plate or ""):
            reservation.write({"state": "used", "entered_at": when})
        return reservation

    @api.multi
    def action_cancel(self):
        for reservation in self:
            if reservation.state != "reserved":
                raise UserError(_("Only a running reservation can be cancelled (%s).") % reservation.name)
        self.write({"state": "cancelled"})
        self._release()
        return True

    def _release(self):
        for reservation in self:
            reservation.connector_id.charger_id._send("release_space", {"gun": reservation.connector_id.number})

    @api.model
    def _cron_expire(self):
        """Reservations whose time ran out without the car: expired, the space released."""
        expired = self.search([("state", "=", "reserved"), ("end_at", "<=", fields.Datetime.now())])
        expired.write({"state": "expired"})
        expired._release()
        return expired

    # ------------------------------------------------------------ the owner pays the fee
    def _get_amount_due(self):
        if self.payment_state != "unpaid" or self.state == "cancelled":
            return self._money(0)
        return self._money(self.fee)

    def _on_payment(self, order):
        self.write({"payment_state": "paid"})
