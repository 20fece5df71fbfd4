import json
import logging
import os
from datetime import timedelta
from decimal import Decimal

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import consteq

from ..lib import payment as pay
from ..lib.plate import normalize_plate
from .ep_parking_payment_method import ORDER_KINDS
from .ep_parking_tariff import from_lot_time, monetary_to_decimal, to_lot_time

_logger = logging.getLogger(__name__)

HISTORY_DAYS = 2  # earlier stays that may share a 24 h cycle with the current one


class FeeQueryError(UserError):
    """The fee of a car cannot be given; ``reason`` is ``not_in_lot`` or ``no_tariff``."""

    def __init__(self, msg, reason):
        super().__init__(msg)
        self.reason = reason


class EpParkingOrder(models.Model):
    """A transaction order (交易订单, seed 000 §2.3.7, §2.3.8, §2.3.10).

    Every payment the suite takes is an order: temporary parking, month cards, coupon
    purchases, charging, deposits. An order is created unpaid after the payment
    restrictions are checked, paid once through its channel's provider (a replayed
    notification changes nothing), posted to accounting as revenue of its lot, and may be
    refunded or cancelled. Orders paying something else name it in ``res_model``/``res_id``;
    that record's ``_ep_order_paid(order)`` runs when the order is paid.
    """

    _name = "ep.parking.order"
    _description = "Transaction Order"
    _inherit = ["mail.thread"]
    _order = "create_date desc, id desc"

    name = fields.Char(string="Order No.", required=True, readonly=True, copy=False, default="/", index=True)
    kind = fields.Selection(ORDER_KINDS, required=True, default="temporary", readonly=True, index=True)
    channel_id = fields.Many2one("ep.parking.payment.method", required=True, readonly=True,
                                 ondelete="restrict", index=True)
    provider = fields.Selection(related="channel_id.provider", readonly=True)
    lot_id = fields.Many2one("ep.parking.lot", required=True, readonly=True, index=True, ondelete="restrict")
    region_id = fields.Many2one(related="lot_id.region_id", store=True, readonly=True, index=True)
    company_id = fields.Many2one(related="lot_id.company_id", store=True, readonly=True)
    currency_id = fields.Many2one(related="lot_id.currency_id", readonly=True)
    plate = fields.Char(readonly=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Payer", readonly=True, index=True)
    state = fields.Selection(
        [("unpaid", "Unpaid"), ("paid", "Paid"), ("refunded", "Refunded"), ("cancelled", "Cancelled")],
        required=True, default="unpaid", readonly=True, copy=False, index=True, track_visibility="onchange")
    amount = fields.Monetary(required=True, readonly=True, help="What the payer pays.")
    fee_amount = fields.Monetary(string="Fee", readonly=True, help="The whole fee of the stay when ordered.")
    paid_before = fields.Monetary(readonly=True)
    coupon_amount = fields.Monetary(string="Coupons", readonly=True)
    fee_line_refs = fields.Text(readonly=True, copy=False,
                                help="JSON [[model, id, amount]] of the coupons and reductions the order applied.")
    fee_lines = fields.Text(string="Fee Details", readonly=True)
    entry_passage_id = fields.Many2one("ep.parking.passage", string="Entry Record", readonly=True, index=True,
                                       ondelete="set null")
    entry_time = fields.Datetime(readonly=True)
    exit_passage_id = fields.Many2one("ep.parking.passage", string="Exit Record", readonly=True,
                                      ondelete="set null")
    gate_id = fields.Many2one("ep.device", string="Exit Gate", readonly=True, ondelete="set null",
                              help="Paid from this gate's QR code: it opens once the order is paid.")
    command_id = fields.Many2one("ep.device.command", string="Gate Command", readonly=True, ondelete="set null")
    paid_at = fields.Datetime(readonly=True, copy=False, index=True)
    pay_until = fields.Datetime(string="Leave Before", readonly=True, copy=False,
                                help="Paid temporary parking: the car leaves before this without paying more.")
    third_party_ref = fields.Char(string="Third-party No.", readonly=True, copy=False, index=True)
    refunded_at = fields.Datetime(readonly=True, copy=False)
    move_id = fields.Many2one("account.move", string="Journal Entry", readonly=True, copy=False)
    refund_move_id = fields.Many2one("account.move", string="Refund Entry", readonly=True, copy=False)
    res_model = fields.Char(readonly=True, index=True)
    res_id = fields.Integer(readonly=True, index=True)
    access_token = fields.Char(readonly=True, copy=False, groups="base.group_system")
    note = fields.Text()

    _sql_constraints = [
        ("amount_positive", "CHECK(amount > 0)", "An order must have a positive amount."),
        ("third_party_uniq", "unique(channel_id, third_party_ref)", "A gateway transaction pays one order."),
        ("access_token_uniq", "unique(access_token)", "Access tokens must be unique."),
    ]

    # ------------------------------------------------------------ create
    @api.model
    def create(self, vals):
        vals = dict(vals)
        if vals.get("plate"):
            vals["plate"] = normalize_plate(vals["plate"])
        self._check_payment_restrictions(vals)
        if vals.get("name", "/") == "/":
            vals["name"] = self.env["ir.sequence"].sudo().next_by_code("ep.parking.order") or "/"
        vals.setdefault("access_token", os.urandom(16).hex())
        return super().create(vals)

    @api.model
    def _check_payment_restrictions(self, vals):
        """§2.3.8 B: the lot must accept the channel for this kind, and what the order pays for
        (``res_model``/``res_id``) may refuse the channel in its ``_ep_check_order_payment(channel)``."""
        lot = self.env["ep.parking.lot"].browse(vals.get("lot_id"))
        channel = self.env["ep.parking.payment.method"].browse(vals.get("channel_id"))
        if not lot or not channel:
            raise ValidationError(_("An order needs a lot and a payment channel."))
        if monetary_to_decimal(vals.get("amount")) <= 0:
            raise ValidationError(_("There is nothing to pay."))
        lot._check_payment_channel(channel, vals.get("kind") or "temporary")
        origin = self.env[vals["res_model"]].browse(vals.get("res_id")).exists() \
            if vals.get("res_model") in self.env else None
        if vals.get("res_model") and not origin:
            raise ValidationError(_("What this order pays for does not exist."))
        if origin is not None and hasattr(origin, "_ep_check_order_payment"):
            origin._ep_check_order_payment(channel)

    def _get_origin(self):
        self.ensure_one()
        if self.res_model and self.res_id:
            return self.env[self.res_model].browse(self.res_id).exists()
        return None

    # ------------------------------------------------------------ fee query
    @api.model
    def _get_fee_quote(self, lot, plate, at=None, entry=None):
        """What a car in ``lot`` owes at ``at`` (UTC string, now by default) for its open entry
        (or the given ``entry`` record).

        Returns a dict: ``plate``, ``entry`` (the open entry record), ``entry_time``, ``minutes``,
        ``fee`` (whole fee of the stay, Decimal), ``paid``, ``coupons`` (list of dicts with
        ``name``/``amount``), ``amount_due``, ``lines`` (list of ``(label, Decimal)``),
        ``pay_until`` (UTC string or False), ``month_card`` (bool). Raises UserError when the
        car is not in the lot or the lot has no tariff."""
        plate = normalize_plate(plate or "")
        at = at or fields.Datetime.now()
        entry = entry or self.env["ep.parking.unplated"]._lookup_plate(lot, plate)
        if not entry:
            raise FeeQueryError(_("The car %(plate)s is not in the lot %(lot)s.") % {"plate": plate, "lot": lot.name},
                                "not_in_lot")
        minutes = max(int((fields.Datetime.from_string(at) - fields.Datetime.from_string(entry.passage_time))
                          .total_seconds() // 60), 0)
        quote = {"plate": plate, "entry": entry, "entry_time": entry.passage_time, "minutes": minutes,
                 "coupons": [], "pay_until": False, "month_card": False}
        paid_orders = self._get_paid_orders(entry)
        paid = sum((monetary_to_decimal(order.amount) for order in paid_orders), Decimal("0.00"))
        last_paid = paid_orders.sorted("paid_at")[-1:]
        if lot._plate_has_valid_month_card(plate, entry.passage_time):
            quote.update(fee=Decimal("0.00"), paid=paid, amount_due=Decimal("0.00"), month_card=True,
                         lines=[(_("Month card"), Decimal("0.00"))])
            return quote
        if last_paid and last_paid.pay_until and at <= last_paid.pay_until:
            # paid and still within the grace period: nothing more to pay
            quote.update(fee=paid, paid=paid, amount_due=Decimal("0.00"), pay_until=last_paid.pay_until,
                         lines=[(_("Paid, leave before %(time)s") % {"time": self._format_local(
                             last_paid.pay_until)}, Decimal("0.00"))])
            return quote
        tariff = lot._get_tariff(self._get_vehicle_kind(plate))
        if not tariff:
            raise FeeQueryError(_("The lot %(lot)s has no published tariff.") % {"lot": lot.name}, "no_tariff")
        result = tariff.compute_fee(to_lot_time(entry.passage_time), to_lot_time(at),
                                    self._get_stay_history(lot, plate, entry, at))
        texts = tariff._get_label_texts()
        quote.update(fee=result.amount, paid=paid,
                     lines=[(tariff._translate_label(label, texts), amount) for label, amount in result.lines])
        quote["coupons"] = self._get_fee_coupons(lot, plate, entry, result.amount - paid)
        covered = sum((coupon["amount"] for coupon in quote["coupons"]), Decimal("0.00"))
        quote["amount_due"] = pay.amount_due(result.amount, paid, covered)
        return quote

    @api.model
    def _get_paid_orders(self, entry):
        return self.search([("entry_passage_id", "=", entry.id), ("kind", "=", "temporary"),
                            ("state", "=", "paid")])

    @api.model
    def _get_vehicle_kind(self, plate):
        vehicle = self.env["ep.parking.vehicle"].search([("plate", "=", plate)], limit=1)
        return vehicle.kind if vehicle and vehicle.kind != "new_energy" else "small"

    @api.model
    def _get_stay_history(self, lot, plate, entry, at):
        """Earlier stays of the plate at the lot that may share the cycle: (entry, exit, charged)."""
        since = fields.Datetime.to_string(fields.Datetime.from_string(at) - timedelta(days=HISTORY_DAYS))
        stays = self.env["ep.parking.passage"].search([
            ("lot_id", "=", lot.id), ("plate", "=", plate), ("direction", "=", "in"), ("exit_id", "!=", False),
            ("passage_time", ">=", since), ("passage_time", "<", entry.passage_time)], order="passage_time")
        history = []
        for stay in stays:
            orders = self._get_paid_orders(stay)
            charged = (sum((monetary_to_decimal(order.amount) for order in orders), Decimal("0.00")) if orders
                       else monetary_to_decimal(stay.exit_id.amount_paid))
            history.append((to_lot_time(stay.passage_time), to_lot_time(stay.exit_id.passage_time), charged))
        return history

    @api.model
    def _get_fee_coupons(self, lot, plate, entry, fee):
        """What would cover part of ``fee`` (coupons, charging reductions): list of {"name", "amount"}, plus
        ``res_model``/``res_id`` of the record behind each line: that record's
        ``_ep_fee_line_used(order, amounts)`` runs when the order is paid (``order``) or the car leaves
        with nothing left to pay (``order`` None). Other addons answer."""
        return []

    @api.model
    def _get_fee_line_refs(self, lines):
        """``[[model, id, amount]]`` of the quote lines that name their record."""
        return [[line["res_model"], line["res_id"], str(line["amount"])] for line in lines if line.get("res_model")]

    @api.model
    def _use_fee_lines(self, refs, order=None):
        """Tell the records behind the applied lines that they were used (by ``order``, or at the exit)."""
        by_model = {}
        for model, record_id, amount in refs:
            by_model.setdefault(model, {})[record_id] = Decimal(amount)
        for model, amounts in by_model.items():
            # sudo: whoever pays or leaves consumes the coupons or reductions the fee query applied
            self.env[model].sudo().browse(list(amounts))._ep_fee_line_used(order, amounts)

    @api.model
    def _format_local(self, value):
        return to_lot_time(value).strftime("%Y-%m-%d %H:%M")

    @api.model
    def _quote_to_json(self, quote):
        """The fee query's JSON body (GET /ep/api/v1/fee)."""
        def local(value):
            return to_lot_time(value).strftime("%Y-%m-%d %H:%M:%S") if value else None
        return {
            "result": 0, "plate": quote["plate"], "entry_time": local(quote["entry_time"]),
            "minutes": quote["minutes"], "fee": str(quote["fee"]), "amount_due": str(quote["amount_due"]),
            "lines": [{"label": label, "amount": str(amount)} for label, amount in quote["lines"]],
            "paid": str(quote["paid"]), "month_card": quote["month_card"],
            "coupons": [{"name": c["name"], "amount": str(c["amount"])} for c in quote["coupons"]],
            "pay_until": local(quote["pay_until"]),
        }

    # ------------------------------------------------------------ temporary parking orders
    @api.model
    def _prepare_temporary_order_vals(self, lot, quote, channel, gate=None, partner=None):
        return {
            "kind": "temporary", "lot_id": lot.id, "channel_id": channel.id, "plate": quote["plate"],
            "partner_id": partner.id if partner else False, "amount": float(quote["amount_due"]),
            "fee_amount": float(quote["fee"]), "paid_before": float(quote["paid"]),
            "coupon_amount": float(sum((c["amount"] for c in quote["coupons"]), Decimal("0.00"))),
            "fee_lines": "\n".join("%s: %s" % (label, amount) for label, amount in quote["lines"]),
            "entry_passage_id": quote["entry"].id, "entry_time": quote["entry_time"],
            "gate_id": gate.id if gate else False,
            "fee_line_refs": json.dumps(self._get_fee_line_refs(quote["coupons"])),
        }

    @api.model
    def _create_temporary_order(self, lot, plate, channel, gate=None, partner=None):
        """An unpaid order for what ``plate`` owes now at ``lot`` (quote, checks, then one write)."""
        if gate and (gate.lot_id != lot or gate.kind != "gate" or gate.direction != "out"):
            raise UserError(_("This QR code does not belong to an exit gate of %(lot)s.") % {"lot": lot.name})
        quote = self._get_fee_quote(lot, plate)
        if quote["amount_due"] <= 0:
            raise UserError(_("The car %(plate)s has nothing to pay.") % {"plate": quote["plate"]})
        return self.create(self._prepare_temporary_order_vals(lot, quote, channel, gate, partner))

    # ------------------------------------------------------------ exits
    @api.model
    def _on_exit(self, exit_passage):
        """A car left: link the orders that paid its stay; no-sense cars are debited now (§2.3.7 D)."""
        entry = exit_passage.entry_id
        if not entry or exit_passage.direction != "out":
            return self.browse()
        orders = self._get_paid_orders(entry)
        orders.filtered(lambda o: not o.exit_passage_id).write({"exit_passage_id": exit_passage.id})
        if exit_passage.vehicle_kind == "temp" and not exit_passage.amount_paid:
            try:
                with self.env.cr.savepoint():
                    orders |= self._settle_after_exit(exit_passage)
            except (UserError, ValidationError) as exc:
                # the exit is recorded whatever happens to the debit; staff see why it failed
                _logger.warning("no-sense debit of %s failed: %s", exit_passage.plate, exc)
        self._use_fee_lines_at_exit(exit_passage)
        if orders and not exit_passage.order_ref:
            # sudo: the exit record is the system's trace; whoever paid cannot write passages.
            exit_passage.sudo().write({
                "paid_online": True, "order_ref": ", ".join(orders.mapped("name")),
                "amount_paid": sum(orders.mapped("amount")),
                "amount_due": exit_passage.amount_due or sum(orders.mapped("amount")),
            })
        return orders

    @api.model
    def _use_fee_lines_at_exit(self, exit_passage):
        """A car leaving with nothing to pay (or having paid at the lot) used what its quote applied."""
        try:
            quote = self._get_fee_quote(exit_passage.lot_id, exit_passage.entry_id.plate, exit_passage.passage_time,
                                        exit_passage.entry_id)
        except FeeQueryError:
            return
        refs = self._get_fee_line_refs(quote["coupons"])
        if refs and (quote["amount_due"] <= 0 or exit_passage.amount_paid):
            self._use_fee_lines(refs)

    @api.model
    def _settle_after_exit(self, exit_passage):
        """Debit what a no-sense car still owed at its exit through the channel its plate is bound to."""
        lot = exit_passage.lot_id
        vehicle = self.env["ep.parking.vehicle"].search([("plate", "=", exit_passage.plate)], limit=1)
        channel = vehicle.nosense_channel_id
        if not channel or channel not in lot.payment_method_ids or not lot.online_payment:
            return self.browse()
        try:
            quote = self._get_fee_quote(lot, exit_passage.plate, exit_passage.passage_time, exit_passage.entry_id)
        except FeeQueryError:
            return self.browse()
        if quote["amount_due"] <= 0:
            return self.browse()
        vals = self._prepare_temporary_order_vals(lot, quote, channel, partner=vehicle.partner_id)
        vals["exit_passage_id"] = exit_passage.id
        order = self.create(vals)
        self.env["ep.parking.payment.provider"]._charge(order)
        return order

    # ------------------------------------------------------------ payment
    def _check_token(self, token):
        self.ensure_one()
        # sudo: the token field is hidden from everyone; comparing it is how a payer proves access.
        return bool(token) and consteq(self.sudo().access_token or "", token)

    @api.multi
    def action_start_payment(self, return_url=None):
        """Hand the order to its provider: returns the URL the payer goes to (or None when paid at once)."""
        self.ensure_one()
        if self.state != "unpaid":
            raise UserError(_("The order %(order)s is not waiting for payment.") % {"order": self.name})
        return self.env["ep.parking.payment.provider"]._start(self, return_url)

    @api.model
    def _process_notification(self, provider, payload):
        """A gateway notification: verify, then pay the order once. Returns the order.

        Replays of the same transaction return the order unchanged; the row is locked so that
        concurrent replays are serialised."""
        Provider = self.env["ep.parking.payment.provider"]
        notification = pay.parse_notification(Provider._get_secret(provider), payload)
        order = self.search([("name", "=", notification.reference)], limit=1)
        if not order or order.provider != provider:
            raise pay.PaymentError("reference", "unknown order")
        # a concurrent replay that paid first makes this one fail to serialise: expected, retried by
        # the request layer, so not logged as an error
        self.env.cr.execute("SELECT id FROM ep_parking_order WHERE id = %s FOR UPDATE", [order.id],
                            log_exceptions=False)
        order.invalidate_cache()
        if notification.status != "paid":
            return order
        if order.state in ("paid", "refunded"):
            if order.third_party_ref != notification.transaction:
                order.message_post(body=_("A second payment %(transaction)s arrived for this paid order; "
                                          "refund it at the gateway.") % {"transaction": notification.transaction})
            return order
        if monetary_to_decimal(order.amount) != notification.amount:
            raise pay.PaymentError("amount", "does not match the order")
        order._set_paid(notification.transaction, fields.Datetime.to_string(from_lot_time(notification.paid_at)))
        return order

    def _set_paid(self, transaction, paid_at=None):
        """Mark paid (unpaid or cancelled orders: money arrived), post it and run what it pays for."""
        self.ensure_one()
        paid_at = paid_at or fields.Datetime.now()
        vals = {"state": "paid", "paid_at": paid_at, "third_party_ref": transaction}
        if self.kind == "temporary":
            vals["pay_until"] = fields.Datetime.to_string(
                pay.pay_until(fields.Datetime.from_string(paid_at), self.lot_id.grace_minutes))
        self.write(vals)
        self.move_id = self.channel_id._post_receipt(
            self.lot_id, monetary_to_decimal(self.amount), self.name, paid_at[:10], self.partner_id,
            "%s %s" % (self.name, self.plate or ""))
        self._on_paid()

    def _on_paid(self):
        """What a paid order triggers: open the exit gate it was paid at; tell the record it pays for."""
        self.ensure_one()
        if self.gate_id:
            self.command_id = self.env["ep.device.command"].sudo().send(
                self.gate_id, "open_gate", {"reason": "paid", "plate": self.plate, "order": self.name}, origin=self)
        origin = self._get_origin()
        if origin is not None and hasattr(origin, "_ep_order_paid"):
            origin._ep_order_paid(self)
        if self.kind == "temporary" and self.fee_line_refs:
            self._use_fee_lines(json.loads(self.fee_line_refs), order=self)

    def _ep_device_command_done(self, command):
        """The exit gate answered: keep failures on the order for the staff."""
        if command.state != "acked":
            self.message_post(body=_("%(gate)s did not open: %(error)s") % {
                "gate": command.device_id.display_name, "error": command.last_error or command.state})

    @api.multi
    def action_refund(self):
        """Give a paid order's money back through its provider and reverse its entry (managers)."""
        if not self.env.user.has_group("ep_parking.group_manager"):
            raise AccessError(_("Only parking managers may refund orders."))
        return self._do_refund()

    def _do_refund(self):
        """Refund paid orders through their provider and reverse their entries; the callers check
        who may (managers, or the system giving a deposit back)."""
        for order in self:
            if order.state != "paid":
                raise UserError(_("Only paid orders can be refunded."))
        for order in self:
            self.env["ep.parking.payment.provider"]._refund(order)
            vals = {"state": "refunded", "refunded_at": fields.Datetime.now()}
            if order.move_id:
                # sudo: reversing the system's own entry; managers need not be accountants.
                vals["refund_move_id"] = order.move_id.sudo().reverse_moves()[0]
            order.write(vals)
        return True

    @api.multi
    def action_confirm_offline_payment(self):
        """Finance confirms money taken at the lot (cash, POS) for an unpaid offline order."""
        for order in self:
            if order.state != "unpaid" or order.provider != "offline":
                raise UserError(_("Only unpaid orders of a channel paid at the lot can be confirmed here."))
        for order in self:
            order._set_paid(order.third_party_ref or "OFF-%s" % order.name)
        return True

    @api.multi
    def action_simulate_payment(self):
        """Administrators: pay unpaid test-provider orders at the local test gateway (support, demos)."""
        if not self.env.user.has_group("ep_parking.group_admin"):
            raise AccessError(_("Only administrators may use the test gateway."))
        for order in self.filtered(lambda o: o.state == "unpaid" and o.provider == "test"):
            order.action_start_payment()
            self.env["ep.parking.test.payment"]._find(order)._pay()
        return True

    @api.multi
    def action_cancel(self):
        if self.filtered(lambda o: o.state != "unpaid"):
            raise UserError(_("Only unpaid orders can be cancelled."))
        return self.write({"state": "cancelled"})

    @api.multi
    def action_check_payment(self):
        """Ask the provider whether an unpaid order was paid (查单)."""
        Provider = self.env["ep.parking.payment.provider"]
        for order in self.filtered(lambda o: o.state == "unpaid"):
            status = Provider._query(order)
            if status and status["status"] == "paid":
                order._set_paid(status["transaction"], status.get("paid_at"))
        return True

    @api.model
    def _cron_check_unpaid(self, expire_minutes=30):
        """§2.3.8 C 未支付订单检测: query the provider for unpaid orders; cancel expired ones."""
        now = fields.Datetime.from_string(fields.Datetime.now())
        Provider = self.env["ep.parking.payment.provider"]
        queryable = [code for code, _label in self.env["ep.parking.payment.method"]._fields["provider"].selection
                     if hasattr(Provider, "_%s_query" % code)]
        orders = self.search([("state", "=", "unpaid"), ("provider", "in", queryable),
                              ("create_date", "<", fields.Datetime.to_string(now - timedelta(minutes=1)))])
        orders.action_check_payment()
        expired = orders.filtered(lambda o: o.state == "unpaid" and o.create_date < fields.Datetime.to_string(
            now - timedelta(minutes=expire_minutes)))
        expired.write({"state": "cancelled"})
        return len(orders)
