from decimal import Decimal

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib.campaign import apply_campaign, campaign_applies, check_campaign

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class EpChargingCampaign(models.Model):
    """A charging campaign (充电活动, seed 004 §7.4): a percentage off electricity and service at
    some stations, on some weekdays, between two dates (lib/campaign.py)."""

    _name = "ep.charging.campaign"
    _description = "Charging Campaign"
    _order = "date_start desc, id desc"

    name = fields.Char(required=True)
    date_start = fields.Date(string="Start", required=True)
    date_end = fields.Date(string="End", required=True)
    mon = fields.Boolean(string="Monday")
    tue = fields.Boolean(string="Tuesday")
    wed = fields.Boolean(string="Wednesday")
    thu = fields.Boolean(string="Thursday")
    fri = fields.Boolean(string="Friday")
    sat = fields.Boolean(string="Saturday")
    sun = fields.Boolean(string="Sunday")
    electricity_pct = fields.Float(string="Electricity Discount (%)", digits=(5, 2))
    service_pct = fields.Float(string="Service Discount (%)", digits=(5, 2))
    station_ids = fields.Many2many("ep.charging.station", string="Stations",
                                   help="Leave empty for every station.")
    note = fields.Text()
    active = fields.Boolean(default=True)

    @api.constrains("date_start", "date_end", "electricity_pct", "service_pct")
    def _check_campaign(self):
        for campaign in self:
            try:
                check_campaign(campaign._get_rule())
            except ValueError as exc:
                raise ValidationError(_("Campaign %(name)s: %(reason)s") % {"name": campaign.name, "reason": exc}) \
                    from None

    def _get_rule(self):
        """The campaign as lib/campaign.py takes it."""
        self.ensure_one()
        return {"start": fields.Date.from_string(self.date_start), "end": fields.Date.from_string(self.date_end),
                "weekdays": [index for index, day in enumerate(WEEKDAYS) if self[day]],
                "electricity_pct": Decimal(str(self.electricity_pct)), "service_pct": Decimal(str(self.service_pct)),
                "stations": self.station_ids.mapped("code")}

    @api.model
    def _apply(self, cost, when, station):
        """``cost`` after the first running campaign covering ``when`` (lot time) at ``station``."""
        for campaign in self.search([("date_start", "<=", fields.Date.to_string(when)),
                                     ("date_end", ">=", fields.Date.to_string(when))], order="date_start, id"):
            rule = campaign._get_rule()
            if campaign_applies(rule, when, station.code):
                return apply_campaign(cost, rule, when, station.code), campaign
        return cost, self.browse()
