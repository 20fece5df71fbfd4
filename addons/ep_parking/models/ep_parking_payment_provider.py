import os

from odoo import _, api, models
from odoo.exceptions import UserError

from ..lib import payment as pay
from .ep_parking_tariff import monetary_to_decimal, to_lot_time

SECRET_PARAM = "ep_parking.payment_secret.%s"


class EpParkingPaymentProvider(models.AbstractModel):
    """The payment provider interface: every order's money goes through here.

    A provider implements ``_<code>_start(order, return_url) -> url or None``,
    ``_<code>_query(order) -> {"status", "transaction", "paid_at"} or None``,
    ``_<code>_refund(order)`` and, for no-sense channels, ``_<code>_charge(order)``. Gateways
    notify ``POST /ep/api/v1/payment/notify/<code>`` with a payload signed by the provider's
    secret (lib/payment.py). Real gateways are not reachable from this installation; the
    ``test`` provider is a local gateway (``ep.parking.test.payment``) that behaves like one:
    a checkout page, signed notifications, queries, refunds and direct debits.
    """

    _name = "ep.parking.payment.provider"
    _description = "Payment Provider"

    @api.model
    def _dispatch(self, step, order, *args):
        method = getattr(self, "_%s_%s" % (order.provider, step), None)
        if method is None:
            raise UserError(_("%(channel)s cannot do this online.") % {"channel": order.channel_id.name})
        return method(order, *args)

    @api.model
    def _start(self, order, return_url=None):
        return self._dispatch("start", order, return_url)

    @api.model
    def _query(self, order):
        return self._dispatch("query", order)

    @api.model
    def _refund(self, order):
        return self._dispatch("refund", order)

    @api.model
    def _charge(self, order):
        return self._dispatch("charge", order)

    @api.model
    def _get_secret(self, provider):
        """The provider's signing secret (generated on first use, kept in system parameters)."""
        # sudo: system parameters are admin-only; the secret signs and checks gateway notifications.
        params = self.env["ir.config_parameter"].sudo()
        secret = params.get_param(SECRET_PARAM % provider)
        if not secret:
            secret = os.urandom(24).hex()
            params.set_param(SECRET_PARAM % provider, secret)
        return secret

    # ------------------------------------------------------------ offline (paid at the lot)
    @api.model
    def _offline_refund(self, order):
        """Cash is given back at the lot; nothing to tell a gateway."""
        return True

    # ------------------------------------------------------------ full deduction balance (§2.3.11)
    @api.model
    def _deduction_start(self, order, return_url=None):
        """Pay in full from the payer's deduction balance, at once, or refuse."""
        partner = order.partner_id
        if not partner:
            raise UserError(_("Log in to pay with your deduction balance."))
        self.env.cr.execute("SELECT id FROM res_partner WHERE id = %s FOR UPDATE", [partner.id])
        partner.invalidate_cache(["ep_deduction_balance"])
        balance = monetary_to_decimal(partner.ep_deduction_balance)
        amount = monetary_to_decimal(order.amount)
        if balance < amount:
            raise UserError(_("Your deduction balance %(balance)s does not cover %(amount)s.")
                            % {"balance": balance, "amount": amount})
        # sudo: the payer may not write their own balance; this deduction is checked above.
        partner.sudo().ep_deduction_balance = float(balance - amount)
        order._set_paid("DED-%s" % order.name)
        return None

    @api.model
    def _deduction_refund(self, order):
        partner = order.partner_id.sudo()  # sudo: see _deduction_start
        partner.ep_deduction_balance = float(monetary_to_decimal(partner.ep_deduction_balance)
                                             + monetary_to_decimal(order.amount))
        return True

    # ------------------------------------------------------------ local test gateway
    @api.model
    def _test_start(self, order, return_url=None):
        payment = self.env["ep.parking.test.payment"]._open(order, return_url)
        return "/ep/pay/test/%s" % payment.token

    @api.model
    def _test_query(self, order):
        payment = self.env["ep.parking.test.payment"]._find(order)
        if payment and payment.state == "paid":
            return {"status": "paid", "transaction": payment.transaction, "paid_at": payment.paid_at}
        return None

    @api.model
    def _test_refund(self, order):
        payment = self.env["ep.parking.test.payment"]._find(order)
        if not payment or payment.state != "paid":
            raise UserError(_("The gateway has no payment of %(order)s to refund.") % {"order": order.name})
        payment.state = "refunded"
        return True

    @api.model
    def _test_charge(self, order):
        """No-sense payment: the bank account bound to the plate is debited without the payer."""
        payment = self.env["ep.parking.test.payment"]._open(order, None)
        payment._pay()
        return payment

    @api.model
    def _test_notification(self, payment):
        """The signed notification the local gateway sends for ``payment``."""
        return pay.signed(self._get_secret("test"), {
            "reference": payment.reference, "transaction": payment.transaction,
            "amount": str(monetary_to_decimal(payment.amount)), "status": "paid",
            "paid_at": to_lot_time(payment.paid_at).strftime(pay.TIME_FORMAT),
        })
