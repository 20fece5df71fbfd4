import json
from datetime import timedelta
from decimal import Decimal

from odoo import _, api, fields, models
from odoo.addons.ep_parking.lib.money import allocate
from odoo.addons.ep_parking.models.ep_parking_tariff import to_lot_time
from odoo.exceptions import UserError

from ..lib.charger_events import STOP_REASONS
from ..lib.tou import Cost, charge_cost

CHARGE_STATES = [("pending", "Starting"), ("charging", "Charging"), ("done", "Charging Complete"),
                 ("failed", "Failed")]
PAYMENT_STATES = [("unpaid", "Unpaid"), ("paid", "Paid"), ("free", "Free")]
END_REASONS = [("full", "Battery Full"), ("user", "Stopped by the Driver"), ("balance", "Balance Used Up"),
               ("fault", "Charger Fault"), ("remote", "Stopped Remotely"), ("unplugged", "Unplugged"),
               ("other", "Other")]
assert [key for key, _label in END_REASONS] == list(STOP_REASONS)
ZERO = Decimal("0.00")


class EpChargingOrder(models.Model):
    """A charging order (充电订单, seed 004 §5.1): one session of one gun, from the charger's
    ``session_started`` to ``session_stopped``; its meter readings price it with the station's TOU
    tariff (lib/tou.py ``charge_cost``) and the running campaign (lib/campaign.py)."""

    _name = "ep.charging.order"
    _description = "Charging Order"
    _inherit = ["ep.charging.station.document.mixin", "ep.charging.payable.mixin"]
    _order = "start_at desc, id desc"

    charger_id = fields.Many2one("ep.charging.charger", readonly=True, index=True, ondelete="set null")
    connector_id = fields.Many2one("ep.charging.connector", string="Gun", readonly=True, ondelete="set null")
    session_ref = fields.Char(string="Charger Session", readonly=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Owner", readonly=True, index=True)
    phone = fields.Char(readonly=True, index=True)
    plate = fields.Char(readonly=True, index=True)
    card_number = fields.Char(readonly=True)
    card_id = fields.Many2one("ep.charging.card", readonly=True, ondelete="set null")
    amount_paid = fields.Monetary(readonly=True, help="Paid so far (from the card at the end of charging).")
    deposit_amount = fields.Monetary(string="Occupancy Deposit", readonly=True,
                                     help="Taken from the card at the start; what the occupancy leaves is refunded.")
    merchant_order_no = fields.Char(string="Merchant Order No.", readonly=True, index=True,
                                    help="The payment's reference at the gateway.")
    start_at = fields.Datetime(string="Charging Start", readonly=True, index=True)
    end_at = fields.Datetime(string="Charging End", readonly=True)
    duration_minutes = fields.Integer(compute="_compute_duration", store=True, string="Duration (minutes)")
    duration = fields.Char(compute="_compute_duration", store=True, string="Charging Time")
    start_kwh = fields.Float(digits=(16, 3), readonly=True)
    end_kwh = fields.Float(digits=(16, 3), readonly=True)
    kwh = fields.Float(string="Energy (kWh)", digits=(16, 3), readonly=True)
    electricity_fee = fields.Monetary(readonly=True)
    service_fee = fields.Monetary(readonly=True)
    amount_before_discount = fields.Monetary(readonly=True)
    discount_amount = fields.Monetary(readonly=True)
    amount_total = fields.Monetary(string="Total Received", readonly=True)
    campaign_id = fields.Many2one("ep.charging.campaign", readonly=True, ondelete="set null")
    charge_state = fields.Selection(CHARGE_STATES, string="Charging State", required=True, default="pending",
                                    readonly=True, index=True)
    payment_state = fields.Selection(PAYMENT_STATES, required=True, default="unpaid", readonly=True, index=True)
    end_reason = fields.Selection(END_REASONS, readonly=True)
    reading_ids = fields.One2many("ep.charging.meter.reading", "order_id", string="Meter Readings", readonly=True)
    cost_lines = fields.Text(readonly=True, help="Energy and amounts per rate type (JSON).")
    cost_summary = fields.Text(compute="_compute_cost_summary", string="Cost by Rate Type")

    _sql_constraints = [("session_uniq", "unique(charger_id, session_ref)", "A charger session is one order.")]

    @api.depends("start_at", "end_at")
    def _compute_duration(self):
        for order in self:
            if order.start_at and order.end_at:
                seconds = int((fields.Datetime.from_string(order.end_at)
                               - fields.Datetime.from_string(order.start_at)).total_seconds())
                order.duration_minutes = seconds // 60
                order.duration = _("%(minutes)s min %(seconds)s s") % {"minutes": seconds // 60,
                                                                        "seconds": seconds % 60}
            else:
                order.duration_minutes, order.duration = 0, False

    @api.depends("cost_lines")
    def _compute_cost_summary(self):
        labels = dict(self.env["ep.charging.tariff.segment"]._fields["kind"]._description_selection(self.env))
        for order in self:
            lines = json.loads(order.cost_lines or "[]")
            order.cost_summary = "\n".join(
                _("%(type)s: %(kwh)s kWh, electricity %(electricity)s, service %(service)s") % dict(
                    line, type=labels.get(line["type"], line["type"])) for line in lines) or False

    @api.multi
    def unlink(self):
        if self.filtered(lambda o: o.charge_state != "failed" or o.payment_state == "paid"):
            raise UserError(_("Charging orders are kept; only failed, unpaid ones may be deleted."))
        return super().unlink()

    # ------------------------------------------------------------ the owner starts a charge (scan the gun)
    @api.model
    def _request_start(self, gun, partner):
        """Ask the pile to start charging on ``gun`` for ``partner``, paid from their electronic card at
        the station, which must hold the pile's minimum balance (启动充电最低金额)."""
        charger = gun.charger_id
        if not charger.operating or not charger.active:
            raise UserError(_("The charger %s is out of service.") % charger.code)
        if gun.state not in ("idle", "occupied"):
            raise UserError(_("The gun %s is not free.") % gun.name)
        card = self.env["ep.charging.card"].search([
            ("partner_id", "=", partner.id), ("station_id", "=", gun.station_id.id), ("kind", "=", "electronic"),
            ("state", "=", "active")], limit=1)
        deposit = gun.station_id._get_deposit()
        if not card or not card._can_start(charger, deposit):
            raise UserError(_("Top up your charging card of %(station)s: starting needs at least %(amount)s.")
                            % {"station": gun.station_id.name, "amount": self._money(charger.min_balance) + deposit})
        order = self.create({"station_id": gun.station_id.id, "charger_id": charger.id, "connector_id": gun.id,
                             "partner_id": partner.id, "phone": partner.mobile or partner.phone or False,
                             "card_id": card.id, "card_number": card.name})
        order._take_deposit(deposit)
        charger._send("start_charge", {"gun": gun.number, "order": order.name, "card": card.name})
        return order

    # ------------------------------------------------------------ charger events
    @api.model
    def _find_session(self, charger, session):
        return self.search([("charger_id", "=", charger.id), ("session_ref", "=", session)], limit=1)

    @api.model
    def _on_session_started(self, charger, gun, data, when):
        """The charger started ``data["session"]``: the order the suite asked for (``order``), or a new
        one for a session started at the pile (a card swiped)."""
        order = self._find_session(charger, data["session"])
        if not order and data.get("order"):
            order = self.search([("name", "=", data["order"]), ("charger_id", "=", charger.id),
                                 ("charge_state", "=", "pending")], limit=1)
        if not order:
            order = self.create({"station_id": charger.station_id.id, "charger_id": charger.id,
                                 "connector_id": gun.id, "card_number": data.get("card")})
        occupancy = self.env["ep.charging.occupancy"].search([("connector_id", "=", gun.id),
                                                              ("state", "=", "occupied")], limit=1)
        order.write({"session_ref": data["session"], "connector_id": gun.id, "charge_state": "charging",
                     "start_at": when, "start_kwh": float(data["meter_kwh"]),
                     "plate": order.plate or occupancy.plate or False})
        order._add_reading(when, data["meter_kwh"])
        if data.get("card") and not order._attach_card(data["card"], charger):
            return order
        gun.state = "charging"
        return order

    def _attach_card(self, number, charger):
        """A card swiped at the pile pays the order; without the minimum balance the pile is told to
        stop (启动充电最低金额) and the order fails. Returns whether charging may go on."""
        self.ensure_one()
        card = self.env["ep.charging.card"].search([("name", "=", number), ("station_id", "=", self.station_id.id)],
                                                   limit=1)
        if card:
            self.write({"card_id": card.id, "partner_id": card.partner_id.id, "phone": card.phone})
        deposit = self.station_id._get_deposit()
        if card and card._can_start(charger, deposit):
            self._take_deposit(deposit)
            return True
        self.write({"charge_state": "failed", "end_reason": "balance", "end_at": self.start_at})
        charger._send("stop_charge", {"gun": self.connector_id.number, "session": self.session_ref,
                                      "reason": "balance" if card else "unknown_card"})
        return False

    @api.model
    def _on_meter(self, charger, gun, data, when):
        order = self._get_running(charger, data)
        order._add_reading(when, data["meter_kwh"])
        return order

    @api.model
    def _on_session_stopped(self, charger, gun, data, when):
        order = self._get_running(charger, data)
        order._add_reading(when, data["meter_kwh"])
        order.write({"end_at": when, "end_kwh": float(data["meter_kwh"]), "end_reason": data["reason"]})
        order._settle()
        gun.state = "occupied"
        return order

    def _get_running(self, charger, data):
        order = self._find_session(charger, data["session"])
        if not order:
            raise UserError(_("No charging order for session %(session)s of charger %(charger)s.")
                            % {"session": data["session"], "charger": charger.code})
        if order.charge_state != "charging":
            raise UserError(_("The charging order %s is not charging any more.") % order.name)
        return order

    def _take_deposit(self, deposit):
        self.ensure_one()
        if deposit > 0 and not self.deposit_amount:
            self.card_id._take_deposit(self, deposit)
            self.deposit_amount = float(deposit)

    def _add_reading(self, when, kwh):
        self.ensure_one()
        return self.env["ep.charging.meter.reading"].create({"order_id": self.id, "at": when, "kwh": float(kwh)})

    # ------------------------------------------------------------ pricing
    def _get_readings(self):
        """``[(lot time, cumulative kWh)]`` in time order."""
        self.ensure_one()
        return [(to_lot_time(r.at), Decimal(str(r.kwh)).quantize(Decimal("0.001")))
                for r in self.reading_ids.sorted(lambda r: (r.at, r.id))]

    def _get_segments(self):
        """The owner's own tariff (a VIP's free one), else the station's (``[]`` when free)."""
        self.ensure_one()
        own = self.env["ep.charging.user"]._get_tariff(self.partner_id)
        return own._get_segments() if own else self.station_id._get_segments()

    def _get_cost(self):
        """``(cost, cost before the campaign, campaign)`` of the order from its readings."""
        self.ensure_one()
        readings = self._get_readings()
        segments = self._get_segments()
        if not segments or len(readings) < 2:
            kwh = readings[-1][1] - readings[0][1] if readings else Decimal(0)
            free = Cost(ZERO, ZERO, ZERO, [("flat", kwh, ZERO, ZERO)] if kwh else [])
            return free, free, self.env["ep.charging.campaign"]
        base = charge_cost(segments, readings)
        cost, campaign = self.env["ep.charging.campaign"]._apply(base, readings[0][0].date(), self.station_id)
        return cost, base, campaign

    def _prepare_settle_vals(self, cost, base, campaign):
        kwh = sum((line[1] for line in cost.lines), Decimal(0))
        return {"kwh": float(kwh), "electricity_fee": float(cost.electricity), "service_fee": float(cost.service),
                "amount_before_discount": float(base.total), "discount_amount": float(base.total - cost.total),
                "amount_total": float(cost.total), "campaign_id": campaign.id or False, "charge_state": "done",
                "payment_state": "free" if not cost.total else "unpaid",
                "cost_lines": json.dumps([{"type": t, "kwh": str(k), "electricity": str(e), "service": str(s)}
                                          for t, k, e, s in cost.lines])}

    def _settle(self):
        """Price the finished session; a card pays what its balance covers."""
        for order in self:
            cost, base, campaign = order._get_cost()
            order.write(order._prepare_settle_vals(cost, base, campaign))
            self.env["ep.charging.reduction"]._issue_for(order)
            if order.card_id and cost.total:
                paid = order.card_id._pay(order, cost.total)
                order.write({"amount_paid": float(paid.paid), "payment_state": "unpaid" if paid.unpaid else "paid"})

    # ------------------------------------------------------------ online payment of the rest
    def _get_amount_due(self):
        if self.charge_state != "done" or self.payment_state != "unpaid":
            return ZERO
        return self._money(self.amount_total) - self._money(self.amount_paid)

    def _ep_invoice_amounts(self, order):
        """What ep_einvoice invoices a transaction order paying this charging order as: charging
        electricity and service fee, in proportion to the order's fees."""
        self.ensure_one()
        electricity, service = allocate(self._money(order.amount),
                                        [self._money(self.electricity_fee), self._money(self.service_fee)])
        return {"charging_electricity": electricity, "charging_service": service}

    def _on_payment(self, order):
        self.write({"amount_paid": float(self._money(self.amount_paid) + self._money(order.amount)),
                    "payment_state": "paid", "merchant_order_no": order.name})

    @api.model
    def _cron_fail_stale(self, hours=24):
        """Orders still starting a day later never began: failed (the charger never answered)."""
        limit = fields.Datetime.to_string(fields.Datetime.from_string(fields.Datetime.now()) - timedelta(hours=hours))
        stale = self.search([("charge_state", "=", "pending"), ("create_date", "<", limit)])
        stale.write({"charge_state": "failed"})
        return stale
