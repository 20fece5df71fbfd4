from odoo import fields, models


class EpParkingPaymentMethod(models.Model):
    """Ways a lot takes money (seed 000 §2.1.3 支付方式), chosen per lot."""

    _name = "ep.parking.payment.method"
    _description = "Parking Payment Method"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    online = fields.Boolean(help="Paid through an online provider rather than at the lot.")
    active = fields.Boolean(default=True)

    _sql_constraints = [("code_uniq", "unique(code)", "A payment method code must be unique.")]
