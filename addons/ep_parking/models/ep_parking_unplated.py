import os
from decimal import Decimal

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import consteq

from ..lib import verification as rules
from ..lib.plate import normalize_plate, unplated_plate
from .ep_parking_order import FeeQueryError
from .ep_parking_tariff import monetary_to_decimal

ENTRY, EXIT = "unplated_entry", "unplated_exit"


class EpParkingUnplated(models.Model):
    """A visit of a car without a plate (seed 000 §2.2.4 无牌车进出场).

    The driver scans the entry gate's QR code, verifies a phone and the gate opens; the car
    is "in lot" with its exit time equal to its entry time. Scanning the exit QR code sets the
    exit time to the scan; once paid the exit time is the payment time, the car has "left"
    and the exit gate opens. The car's plate is "EP" + the last 5 digits of the phone.
    Fees come from :meth:`_get_exit_fee` and :meth:`_pay_exit`, which the tariffs override.
    """

    _name = "ep.parking.unplated"
    _description = "Unplated Car Visit"
    _inherit = ["ep.parking.plate.mixin"]
    _order = "entry_time desc, id desc"
    _rec_name = "plate"

    lot_id = fields.Many2one("ep.parking.lot", required=True, index=True, ondelete="restrict", readonly=True)
    region_id = fields.Many2one(related="lot_id.region_id", store=True, readonly=True)
    company_id = fields.Many2one(related="lot_id.company_id", store=True, readonly=True)
    currency_id = fields.Many2one(related="lot_id.currency_id", readonly=True)
    entry_gate_id = fields.Many2one("ep.device", readonly=True, ondelete="set null",
                                    domain=[("kind", "=", "gate")])
    exit_gate_id = fields.Many2one("ep.device", readonly=True, ondelete="set null",
                                   domain=[("kind", "=", "gate")])
    phone = fields.Char(required=True, index=True, readonly=True)
    plate = fields.Char(readonly=True)
    entry_time = fields.Datetime(required=True, readonly=True, index=True,
                                 help="When the phone was verified and the entry gate told to open.")
    exit_time = fields.Datetime(
        readonly=True, index=True,
        help="In lot: the entry time, then the time of the exit scan. Left: when the fee was paid.")
    state = fields.Selection(
        [("in_lot", "In Lot"), ("left", "Left")], required=True, default="in_lot", readonly=True, index=True,
        copy=False,
    )
    duration_minutes = fields.Integer(compute="_compute_duration", store=True, group_operator="avg")
    exit_scanned = fields.Boolean(readonly=True, copy=False, help="The driver scanned the exit QR code.")
    amount_paid = fields.Monetary(string="Paid", readonly=True, copy=False)
    closed_by_id = fields.Many2one("res.users", readonly=True, copy=False,
                                   help="Staff who closed the visit because the car left without scanning.")
    access_token = fields.Char(readonly=True, copy=False, groups="base.group_system",
                               help="Lets the driver's browser come back to the visit without a new code.")
    entry_passage_id = fields.Many2one("ep.parking.passage", string="Entry Record", readonly=True,
                                       ondelete="set null")
    exit_passage_id = fields.Many2one("ep.parking.passage", string="Exit Record", readonly=True,
                                      ondelete="set null")
    entry_command_id = fields.Many2one("ep.device.command", readonly=True,
                                       ondelete="set null")
    exit_command_id = fields.Many2one("ep.device.command", readonly=True,
                                      ondelete="set null")
    gate_error = fields.Char(readonly=True, copy=False, help="The last gate command that did not open the gate.")

    _sql_constraints = [("access_token_uniq", "unique(access_token)", "Access tokens must be unique.")]

    @api.model_cr
    def init(self):
        # §2.2.4 note 6: one open visit per phone and lot, also under concurrent requests.
        self.env.cr.execute("""CREATE UNIQUE INDEX IF NOT EXISTS ep_parking_unplated_one_in_lot
                               ON ep_parking_unplated (lot_id, phone) WHERE state = 'in_lot'""")

    @api.depends("entry_time", "exit_time")
    def _compute_duration(self):
        for visit in self:
            if visit.entry_time and visit.exit_time:
                delta = fields.Datetime.from_string(visit.exit_time) - fields.Datetime.from_string(visit.entry_time)
                visit.duration_minutes = max(int(delta.total_seconds() // 60), 0)
            else:
                visit.duration_minutes = 0

    # ------------------------------------------------------------ CRUD
    @api.model
    def create(self, vals):
        vals = dict(vals)
        if vals.get("phone"):
            vals["phone"] = rules.normalize_phone(vals["phone"])
            vals.setdefault("plate", unplated_plate(vals["phone"]))
        vals.setdefault("entry_time", fields.Datetime.now())
        vals.setdefault("exit_time", vals["entry_time"])
        vals.setdefault("access_token", os.urandom(16).hex())
        return super().create(vals)

    @api.model
    def _format_time(self, value):
        """A stored UTC datetime as the driver reads it: the user's time zone, else China's."""
        if not value:
            return ""
        record = self.with_context(tz=self.env.context.get("tz") or self.env.user.tz or "Asia/Shanghai")
        return fields.Datetime.context_timestamp(record, fields.Datetime.from_string(value)).strftime(
            "%Y-%m-%d %H:%M")

    @api.model
    def _format_duration(self, minutes):
        hours, minutes = divmod(max(int(minutes), 0), 60)
        return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": minutes}

    def _get_current_minutes(self):
        """Minutes parked so far: up to now while nobody scanned out, else up to the exit time."""
        self.ensure_one()
        if self.state == "in_lot" and not self.exit_scanned:
            delta = fields.Datetime.from_string(fields.Datetime.now()) - fields.Datetime.from_string(self.entry_time)
            return max(int(delta.total_seconds() // 60), 0)
        return self.duration_minutes

    # ------------------------------------------------------------ lookups
    @api.model
    def _find_open(self, lot, phone):
        return self.search([("lot_id", "=", lot.id), ("phone", "=", rules.normalize_phone(phone)),
                            ("state", "=", "in_lot")], limit=1)

    def _check_token(self, token):
        self.ensure_one()
        return bool(token) and consteq(self.access_token or "", token)

    @api.model
    def _check_gate(self, gate, direction):
        if not gate or not gate.active or gate.kind != "gate" or gate.direction != direction or not gate.lot_id:
            if direction == "in":
                raise UserError(_("This QR code does not belong to an entry gate in service."))
            raise UserError(_("This QR code does not belong to an exit gate in service."))
        if not gate.lot_id.active:
            raise UserError(_("The lot %s is closed.") % gate.lot_id.name)

    @api.model
    def _check_can_enter(self, lot, phone):
        """§2.2.4 note 6: a car that left without scanning the exit code blocks the next entry."""
        open_visit = self._find_open(lot, phone)
        if open_visit:
            raise UserError(
                _("The car %(plate)s of this phone entered %(lot)s at %(time)s and has not checked out yet. "
                  "Please scan the exit QR code when leaving, or ask the lot staff to close the visit.")
                % {"plate": open_visit.plate, "lot": lot.name, "time": self._format_time(open_visit.entry_time)})

    @api.model
    def _check_can_exit(self, lot, phone):
        visit = self._find_open(lot, phone)
        if not visit:
            raise UserError(_("No car of this phone is in the lot %s. Please check the number.") % lot.name)
        return visit

    # ------------------------------------------------------------ flow
    @api.model
    def _request_entry_code(self, gate, phone):
        """Step 1 at the entry gate: send a code to the driver's phone."""
        self._check_gate(gate, "in")
        phone = self.env["ep.parking.phone.verification"]._normalize_phone(phone)
        self._check_can_enter(gate.lot_id, phone)
        return self.env["ep.parking.phone.verification"]._request_code(phone, ENTRY, gate.lot_id)

    @api.model
    def _request_exit_code(self, gate, phone):
        """At the exit gate, without the visit in the browser session: prove the phone again."""
        self._check_gate(gate, "out")
        phone = self.env["ep.parking.phone.verification"]._normalize_phone(phone)
        self._check_can_exit(gate.lot_id, phone)
        return self.env["ep.parking.phone.verification"]._request_code(phone, EXIT, gate.lot_id)

    @api.model
    def _enter(self, gate, verification, phone):
        """After verification: open the entry gate; the car is in the lot (exit time = entry time)."""
        self._check_gate(gate, "in")
        self._check_can_enter(gate.lot_id, phone)
        verification._consume(phone, ENTRY)
        visit = self.create(self._prepare_entry_vals(gate, phone))
        visit.entry_passage_id = self.env["ep.parking.passage"].create(visit._prepare_passage_vals("in"))
        visit.entry_command_id = visit._open_gate(gate)
        return visit

    def _prepare_entry_vals(self, gate, phone):
        return {"lot_id": gate.lot_id.id, "entry_gate_id": gate.id, "phone": phone}

    @api.model
    def _exit_verified(self, gate, verification, phone):
        """The visit of a phone proved at the exit gate (the browser did not know it)."""
        self._check_gate(gate, "out")
        visit = self._check_can_exit(gate.lot_id, phone)
        verification._consume(phone, EXIT)
        return visit

    def _scan_exit(self, gate):
        """The driver scanned the exit QR code: exit time = scan time, still in the lot. Returns the fee."""
        self.ensure_one()
        self._check_gate(gate, "out")
        self._check_in_lot(gate)
        self.write({"exit_time": fields.Datetime.now(), "exit_gate_id": gate.id, "exit_scanned": True})
        return self._get_exit_fee()

    def _confirm_exit(self, gate):
        """The driver confirmed at the exit: pay the fee; once paid the car leaves and the gate opens.

        Returns True when the car may leave now, False while a payment is pending."""
        self.ensure_one()
        self._check_gate(gate, "out")
        self._check_in_lot(gate)
        if not self.exit_scanned or self.exit_gate_id != gate:
            self._scan_exit(gate)
        amount = self._get_exit_fee()
        if not self._pay_exit(amount):
            return False
        self._mark_left(gate, amount)
        return True

    def _check_in_lot(self, gate):
        if self.state != "in_lot":
            raise UserError(_("The car %s has already left the lot.") % self.plate)
        if self.lot_id != gate.lot_id:
            raise UserError(_("The car %(plate)s is in the lot %(lot)s, not here.")
                            % {"plate": self.plate, "lot": self.lot_id.name})

    def _get_exit_fee(self):
        """The fee still due at exit_time (Decimal), from the lot's tariff (§2.2.4: unplated cars are
        priced in the cloud); a lot without a published tariff lets them out free."""
        self.ensure_one()
        Order = self.env["ep.parking.order"]
        try:
            quote = Order._get_fee_quote(self.lot_id, self.plate, self.exit_time, self.entry_passage_id)
        except FeeQueryError:
            return Decimal("0.00")
        return quote["amount_due"]

    def _get_paid_orders(self):
        return self.env["ep.parking.order"].sudo().search([  # sudo: the driver reads their own visit's orders
            ("res_model", "=", self._name), ("res_id", "=", self.id), ("state", "=", "paid")])

    def _pay_exit(self, amount):
        """True when nothing is due or an order of this visit paid it; False while a payment is pending
        (the pages send the driver to :meth:`_create_exit_order`'s checkout)."""
        self.ensure_one()
        return amount <= 0

    def _create_exit_order(self, channel, partner=None):
        """An unpaid order for the fee due now, paid by ``partner`` when known (a logged-in driver);
        paying it lets the car out (:meth:`_ep_order_paid`)."""
        self.ensure_one()
        quote = self.env["ep.parking.order"]._get_fee_quote(
            self.lot_id, self.plate, self.exit_time, self.entry_passage_id)
        if quote["amount_due"] <= 0:
            raise UserError(_("The car %(plate)s has nothing to pay.") % {"plate": self.plate})
        vals = self.env["ep.parking.order"]._prepare_temporary_order_vals(self.lot_id, quote, channel, partner=partner)
        vals.update(res_model=self._name, res_id=self.id)
        # sudo: a driver without an account pays their own visit, proven by the session or the phone code.
        return self.env["ep.parking.order"].sudo().create(vals)

    def _ep_order_paid(self, order):
        """The exit fee was paid: the car leaves through the gate it scanned."""
        self.ensure_one()
        if self.state == "in_lot" and self.exit_gate_id:
            self._mark_left(self.exit_gate_id, monetary_to_decimal(order.amount))

    def _mark_left(self, gate, amount=Decimal("0.00")):
        """Paid: exit time = payment time, state left, the exit record written and the gate opened."""
        self.ensure_one()
        self.write({"state": "left", "exit_time": fields.Datetime.now(), "exit_gate_id": gate.id,
                    "amount_paid": float(amount)})
        self._create_exit_passage(amount, "unplated")
        self.exit_command_id = self._open_gate(gate)

    def _create_exit_passage(self, amount, source):
        vals = self._prepare_passage_vals("out", amount=amount, source=source)
        # sudo: the exit record is the system's trace of a visit the user may close (the write
        # on the visit checked that); staff do not write entry/exit records themselves.
        exit_passage = self.env["ep.parking.passage"].sudo().create(vals)
        if exit_passage.entry_id and not exit_passage.entry_id.exit_id:
            exit_passage.entry_id.exit_id = exit_passage
        self.exit_passage_id = exit_passage.id

    def _prepare_passage_vals(self, direction, amount=Decimal("0.00"), source="unplated"):
        self.ensure_one()
        gate = self.entry_gate_id if direction == "in" else self.exit_gate_id
        vals = {
            "lot_id": self.lot_id.id, "plate": self.plate, "direction": direction, "source": source,
            "passage_time": self.entry_time if direction == "in" else self.exit_time,
            "gate_id": gate.id, "gate_code": gate.code, "vehicle_kind": "temp",
            "event_ref": "unplated-%s-%s" % (self.id, direction),
        }
        if direction == "out":
            vals.update(entry_id=self.entry_passage_id.id, amount_due=float(amount), amount_paid=float(amount))
        return vals

    def _open_gate(self, gate):
        return self.env["ep.device.command"].send(
            gate, "open_gate", {"reason": "unplated", "plate": self.plate, "visit": self.id}, origin=self)

    def _ep_device_command_done(self, command):
        """Called by the bridge when a gate answered: keep why it did not open, for the staff."""
        if command.state == "acked":
            self.gate_error = False
        else:
            self.gate_error = _("%(gate)s did not open: %(error)s") % {
                "gate": command.device_id.display_name, "error": command.last_error or command.state}

    def _gate_status(self, command):
        """"opening", "open" or "failed" for the page the driver sees."""
        if not command:
            return False
        return {"acked": "open", "failed": "failed", "dead": "failed"}.get(command.state, "opening")

    @api.model
    def _lookup_plate(self, lot, plate):
        """Whether a car is in ``lot`` and since when, from the entry records (QR payment pages)."""
        passage = self.env["ep.parking.passage"].search([
            ("lot_id", "=", lot.id), ("plate", "=", normalize_plate(plate)), ("direction", "=", "in"),
            ("exit_id", "=", False)], order="passage_time desc, id desc", limit=1)
        return passage

    # ------------------------------------------------------------ staff
    @api.multi
    def action_close(self):
        """Staff close a visit whose car left without checking out (§2.2.4 note 6)."""
        left = self.filtered(lambda v: v.state != "in_lot")
        if left:
            raise UserError(_("Only visits in the lot can be closed: %s") % ", ".join(left.mapped("plate")))
        for visit in self:
            values = {"state": "left", "closed_by_id": self.env.uid}
            if not visit.exit_scanned:
                values["exit_time"] = fields.Datetime.now()
            visit.write(values)
            visit._create_exit_passage(Decimal("0.00"), "manual")
        return True
