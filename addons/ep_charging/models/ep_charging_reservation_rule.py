from odoo import fields, models


class EpChargingReservationRule(models.Model):
    """A reservation fee rule (预约费, seed 004 §2.2): an owner reserves a space for ``minutes`` for a
    fee, at most ``daily_limit`` times a day; until it ends only the reserving plate may enter."""

    _name = "ep.charging.reservation.rule"
    _description = "Charging Reservation Rule"
    _order = "name, id"

    name = fields.Char(required=True)
    daily_limit = fields.Integer(string="Reservations per Owner per Day", default=3)
    minutes = fields.Integer(string="Bookable Minutes", default=60)
    fee = fields.Monetary()
    currency_id = fields.Many2one(related="company_id.currency_id", readonly=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.user.company_id)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("daily_limit_positive", "CHECK(daily_limit > 0)", "An owner may reserve at least once a day."),
        ("minutes_positive", "CHECK(minutes > 0)", "A reservation lasts at least one minute."),
        ("fee_positive", "CHECK(fee >= 0)", "The reservation fee must not be negative."),
    ]
