from odoo import models


class EpParkingOrder(models.Model):
    """Orders as month cards see them (payment restrictions live on the card, in
    ``ep.monthcard._ep_check_order_payment``)."""

    _inherit = "ep.parking.order"
