from decimal import Decimal

from odoo import _, api, fields, models
from odoo.addons.ep_parking.models.ep_parking_tariff import monetary_to_decimal

from ..lib.reduction import earns_reduction, reduction_amount

KINDS = [("amount", "Amount Off"), ("free", "Free Parking")]


class EpChargingReduction(models.Model):
    """A parking reduction earned by charging (减免订单, seed 004 §5.2): issued (下发) to the parking
    fee query of the station's lot for the car's plate, written off (核销) when the parking order it
    covered is paid or the car leaves with nothing to pay."""

    _name = "ep.charging.reduction"
    _description = "Charging Parking Reduction"
    _inherit = ["ep.charging.station.document.mixin"]
    _order = "issued_at desc, id desc"

    name = fields.Char(string="Reduction Number")
    content = fields.Char(readonly=True)
    order_id = fields.Many2one("ep.charging.order", string="Charging Order", readonly=True, ondelete="set null")
    plate = fields.Char(required=True, readonly=True, index=True)
    kind = fields.Selection(KINDS, string="Reduction Type", required=True, readonly=True)
    amount = fields.Monetary(string="Deduction Limit", readonly=True, help="Amount off (0 for free parking).")
    amount_used = fields.Monetary(readonly=True)
    issued_at = fields.Datetime(readonly=True, index=True)
    issue_state = fields.Selection([("issued", "Issued"), ("cancelled", "Cancelled")], required=True,
                                   default="issued", readonly=True)
    written_off_at = fields.Datetime(string="Written Off", readonly=True)
    write_off_state = fields.Selection([("open", "Not Written Off"), ("done", "Written Off")], required=True,
                                       default="open", readonly=True, index=True)
    parking_order_id = fields.Many2one("ep.parking.order", readonly=True, ondelete="set null")

    @api.model
    def _issue_for(self, order):
        """The reduction a completed charging order earns at its station, if any."""
        station = order.station_id
        if station.reduction_kind == "none" or not order.plate or order.charge_state != "done":
            return self.browse()
        if not earns_reduction(Decimal(str(order.kwh)).quantize(Decimal("0.001")),
                               Decimal(str(station.reduction_min_kwh))):
            return self.browse()
        amount = monetary_to_decimal(station.reduction_amount) if station.reduction_kind == "amount" else 0
        content = _("Free parking") if station.reduction_kind == "free" else _("%(amount)s off parking") % {
            "amount": amount}
        return self.create({"station_id": station.id, "order_id": order.id, "plate": order.plate,
                            "kind": station.reduction_kind, "amount": float(amount), "content": content,
                            "issued_at": fields.Datetime.now()})

    @api.model
    def _open_for(self, lot, plate):
        return self.search([("lot_id", "=", lot.id), ("plate", "=", plate), ("issue_state", "=", "issued"),
                            ("write_off_state", "=", "open")], order="issued_at, id")

    def _cover(self, fee_left):
        self.ensure_one()
        return reduction_amount(self.kind, monetary_to_decimal(self.amount), fee_left)

    def _ep_fee_line_used(self, order, amounts):
        """The parking fee query applied these reductions and the car paid (``order``) or left."""
        self._write_off(order, amounts)

    def _write_off(self, parking_order=None, amounts=None):
        for reduction in self.filtered(lambda r: r.write_off_state == "open"):
            # sudo: reductions are written off by the payment or the exit of the car, whoever triggers it
            reduction.sudo().write({
                "write_off_state": "done", "written_off_at": fields.Datetime.now(),
                "parking_order_id": parking_order.id if parking_order else False,
                "amount_used": float((amounts or {}).get(reduction.id, 0))})
