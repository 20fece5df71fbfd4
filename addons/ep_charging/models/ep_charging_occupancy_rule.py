from odoo import fields, models
from odoo.addons.ep_parking.models.ep_parking_tariff import monetary_to_decimal

from ..lib.occupancy import occupancy_fee


class EpChargingOccupancyRule(models.Model):
    """An occupancy fee rule (占位费, seed 004 §2.3), prepaid: the owner pays ``deposit`` before
    charging; when the car leaves the space the fee is taken from it, the rest refunded, a
    shortfall becomes arrears. Charged orders get free minutes after charging ends, cars that
    park without charging free minutes after arriving; then a price per started unit."""

    _name = "ep.charging.occupancy.rule"
    _description = "Charging Occupancy Rule"
    _order = "name, id"

    name = fields.Char(required=True)
    deposit = fields.Monetary(string="Prepaid Deposit", default=10)
    free_after_charge_minutes = fields.Integer(string="Free Minutes after Charging", default=15)
    charge_unit_minutes = fields.Integer(string="Every (minutes)", default=30)
    charge_unit_price = fields.Monetary(string="Price", default=1.5)
    free_after_arrival_minutes = fields.Integer(string="Free Minutes after Arrival", default=15)
    park_unit_minutes = fields.Integer(string="Every (minutes) without charging", default=30)
    park_unit_price = fields.Monetary(string="Price without charging", default=1.5)
    currency_id = fields.Many2one(related="company_id.currency_id", readonly=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.user.company_id)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("amounts_positive", "CHECK(deposit >= 0 AND charge_unit_price >= 0 AND park_unit_price >= 0)",
         "Deposit and prices must not be negative."),
        ("minutes_positive", "CHECK(free_after_charge_minutes >= 0 AND free_after_arrival_minutes >= 0 "
                             "AND charge_unit_minutes > 0 AND park_unit_minutes > 0)",
         "Free minutes must not be negative and units last at least one minute."),
    ]

    def _get_rule(self, charged):
        """The rule as lib/occupancy.py takes it, with the unit of the charged / not charged case."""
        self.ensure_one()
        prefix = "charge" if charged else "park"
        return {"free_after_charge_minutes": self.free_after_charge_minutes,
                "free_after_arrival_minutes": self.free_after_arrival_minutes,
                "unit_minutes": self["%s_unit_minutes" % prefix],
                "unit_price": monetary_to_decimal(self["%s_unit_price" % prefix])}

    def _compute_fee(self, charge_end, arrived, left, deposit=None):
        """``Occupancy(fee, refund, arrears)``; times are datetimes, ``charge_end`` None without charging."""
        self.ensure_one()
        return occupancy_fee(self._get_rule(charge_end is not None), charge_end, arrived, left,
                             monetary_to_decimal(self.deposit if deposit is None else deposit))
