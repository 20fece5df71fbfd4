from odoo import _, api, models
from odoo.addons.ep_parking.models.ep_parking_tariff import monetary_to_decimal
from odoo.exceptions import UserError


class EpChargingPayableMixin(models.AbstractModel):
    """What an owner pays online for charging (a charging order's rest, an occupancy's arrears, a
    reservation fee): a transaction order of the station's lot pointing back here
    (``res_model``/``res_id``), whose payment calls ``_ep_order_paid``."""

    _name = "ep.charging.payable.mixin"
    _description = "Payable Online (charging)"
    _payment_kind = "charging"

    def _get_amount_due(self):
        """Decimal still to pay (0: nothing)."""
        raise NotImplementedError

    def _on_payment(self, order):
        raise NotImplementedError

    @api.multi
    def _create_payment_order(self, channel, partner=None):
        self.ensure_one()
        amount = self._get_amount_due()
        if amount <= 0:
            raise UserError(_("%s has nothing left to pay.") % self.display_name)
        # sudo: transaction orders are the payment system's records; owners do not write them
        return self.env["ep.parking.order"].sudo().create({
            "kind": self._payment_kind, "lot_id": self.station_id.lot_id.id, "channel_id": channel.id,
            "amount": float(amount), "res_model": self._name, "res_id": self.id, "note": self.display_name,
            "partner_id": partner.id if partner else False})

    def _ep_order_paid(self, order):
        self.ensure_one()
        self._on_payment(order)

    @staticmethod
    def _money(value):
        return monetary_to_decimal(value)
