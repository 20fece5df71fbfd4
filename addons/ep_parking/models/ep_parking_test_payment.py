import os

from odoo import api, fields, models


class EpParkingTestPayment(models.Model):
    """The local test gateway's own ledger (it stands for WeChat, Alipay, UnionPay, ...).

    A payer opens the checkout page of a payment, pays (or not); the gateway then notifies
    the suite like a real one. ``notify`` off simulates a lost notification: only the
    unpaid-order check finds the payment.
    """

    _name = "ep.parking.test.payment"
    _description = "Test Gateway Payment"
    _order = "id desc"

    reference = fields.Char(required=True, index=True, readonly=True)
    order_id = fields.Many2one("ep.parking.order", required=True, readonly=True, ondelete="cascade", index=True)
    amount = fields.Float(required=True, readonly=True, digits=(16, 2))
    token = fields.Char(required=True, readonly=True, index=True, copy=False)
    transaction = fields.Char(readonly=True, copy=False)
    state = fields.Selection([("pending", "Pending"), ("paid", "Paid"), ("refunded", "Refunded"),
                              ("cancelled", "Cancelled")], default="pending", required=True, readonly=True)
    paid_at = fields.Datetime(readonly=True)
    return_url = fields.Char(readonly=True)

    _sql_constraints = [("token_uniq", "unique(token)", "Checkout tokens are unique.")]

    @api.model
    def _open(self, order, return_url):
        payment = self._find(order)
        if payment and payment.state == "pending":
            return payment
        # sudo: the gateway's ledger is not the payer's to read or write.
        return self.sudo().create({"reference": order.name, "order_id": order.id, "amount": order.amount,
                                   "token": os.urandom(16).hex(), "return_url": return_url})

    @api.model
    def _find(self, order):
        return self.sudo().search([("order_id", "=", order.id)], limit=1)  # sudo: see _open

    @api.model
    def _find_token(self, token):
        return self.sudo().search([("token", "=", token or "")], limit=1) if token else self.browse()

    def _pay(self, notify=True):
        """The payer paid at the gateway; the gateway notifies the suite unless ``notify`` is off."""
        self.ensure_one()
        if self.state == "pending":
            self.write({"state": "paid", "paid_at": fields.Datetime.now(),
                        "transaction": "T%s%s" % (fields.Datetime.now()[:10].replace("-", ""), os.urandom(6).hex())})
        if notify and self.state == "paid":
            self.env["ep.parking.order"]._process_notification(
                "test", self.env["ep.parking.payment.provider"]._test_notification(self))
        return self

    def _cancel(self):
        self.filtered(lambda p: p.state == "pending").write({"state": "cancelled"})
