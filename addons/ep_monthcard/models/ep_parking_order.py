from decimal import Decimal

from odoo import _, api, fields, models
from odoo.addons.ep_parking.lib.plate import normalize_plate
from odoo.addons.ep_parking.models.ep_parking_tariff import monetary_to_decimal

from ..lib import pass_area


class EpParkingOrder(models.Model):
    """Orders as month cards see them (payment restrictions live on the card, in
    ``ep.monthcard._ep_check_order_payment``).

    One-card pass (一卡通, seed 000 §2.3.5): a car whose valid month card holds a pass of an area
    parks at the other lots of the area for a token 0.01, then leaves within 15 minutes of
    paying (``lib/pass_area.py``); its order remembers the area and that window."""

    _inherit = "ep.parking.order"

    pass_area_id = fields.Many2one("ep.monthcard.pass.area", string="One-Card Pass", readonly=True, index=True,
                                   ondelete="set null", help="The stay was paid as a one-card pass of this area.")

    # ------------------------------------------------------------ fee query
    @api.model
    def _get_fee_quote(self, lot, plate, at=None, entry=None):
        """As in ep_parking; a pass holder of an area of ``lot`` owes the pass token instead of the
        tariff (the quote then has ``pass_area``, the area)."""
        normalized = normalize_plate(plate or "")
        at = at or fields.Datetime.now()
        if not isinstance(at, str):
            at = fields.Datetime.to_string(at)
        entry = entry or self.env["ep.parking.unplated"]._lookup_plate(lot, normalized)
        if entry and not lot._plate_has_valid_month_card(normalized, entry.passage_time):
            member = self.env["ep.monthcard.pass.area.member"]._find_pass(lot, normalized, at)
            if member:
                return self._get_pass_quote(normalized, at, entry, member.area_id)
        return super()._get_fee_quote(lot, plate, at=at, entry=entry)

    @api.model
    def _get_pass_quote(self, plate, at, entry, area):
        """The fee quote of a pass holder of ``area`` (same keys as :meth:`_get_fee_quote`)."""
        paid_orders = self._get_paid_orders(entry)
        paid = sum((monetary_to_decimal(order.amount) for order in paid_orders), Decimal("0.00"))
        last_paid = paid_orders.sorted("paid_at")[-1:]
        result = pass_area.pass_quote(fields.Datetime.from_string(entry.passage_time),
                                      fields.Datetime.from_string(at),
                                      fields.Datetime.from_string(last_paid.paid_at) if last_paid else None)
        pay_until = fields.Datetime.to_string(result.leave_before) if result.leave_before else False
        if result.amount_due:
            lines = [(_("One-card pass %(area)s: leave within %(minutes)s minutes of paying")
                      % {"area": area.name, "minutes": pass_area.EXIT_MINUTES}, result.amount_due)]
        else:
            lines = [(_("Paid, leave before %(time)s") % {"time": self._format_local(pay_until)}, Decimal("0.00"))]
        return {"plate": plate, "entry": entry, "entry_time": entry.passage_time, "minutes": result.minutes,
                "fee": paid + result.amount_due, "paid": paid, "amount_due": result.amount_due, "coupons": [],
                "lines": lines, "pay_until": pay_until, "month_card": False, "pass_area": area}

    @api.model
    def _quote_to_json(self, quote):
        body = super()._quote_to_json(quote)
        body["one_card_pass"] = bool(quote.get("pass_area"))
        return body

    # ------------------------------------------------------------ orders
    @api.model
    def _prepare_temporary_order_vals(self, lot, quote, channel, gate=None, partner=None):
        vals = super()._prepare_temporary_order_vals(lot, quote, channel, gate=gate, partner=partner)
        if quote.get("pass_area"):
            vals["pass_area_id"] = quote["pass_area"].id
        return vals

    def _set_paid(self, transaction, paid_at=None):
        """A pass holder leaves within the pass's window of paying, not the lot's grace time."""
        result = super()._set_paid(transaction, paid_at=paid_at)
        if self.kind == "temporary" and self.pass_area_id:
            self.write({"pay_until": fields.Datetime.to_string(
                pass_area.leave_before(fields.Datetime.from_string(self.paid_at)))})
        return result
