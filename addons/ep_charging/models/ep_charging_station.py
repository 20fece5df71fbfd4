from decimal import Decimal

from odoo import _, api, fields, models
from odoo.addons.ep_parking.models.ep_parking_tariff import monetary_to_decimal
from odoo.exceptions import UserError

SCENES = [("public", "Public"), ("residential", "Residential"), ("office", "Office"), ("mall", "Shopping Mall"),
          ("hotel", "Hotel"), ("bus", "Bus / Logistics"), ("other", "Other")]


class EpChargingStation(models.Model):
    """A charging station (电站, seed 004 §3): where it is, in which parking lot, and its settings —
    charging tariff or free, reservation rule (published to owners), occupancy rule (active),
    online payment, e-invoices and the third-party platform parameters. Stations are never
    deleted (备注：电站不可删除): they are archived."""

    _name = "ep.charging.station"
    _description = "Charging Station"
    _inherit = ["mail.thread"]
    _order = "code, id"

    name = fields.Char(required=True, track_visibility="onchange",
                       help="City, district and place, e.g. 上海市黄浦区联谊大厦充电站.")
    code = fields.Char(string="Station Number", required=True, index=True, copy=False, track_visibility="onchange",
                       help="The site code of the station's chargers in their MQTT topics.")
    lot_id = fields.Many2one("ep.parking.lot", string="Parking Lot", required=True, index=True, ondelete="restrict",
                             track_visibility="onchange")
    region_id = fields.Many2one(related="lot_id.region_id", store=True, readonly=True)
    currency_id = fields.Many2one(related="lot_id.currency_id", readonly=True)
    province = fields.Char()
    city = fields.Char()
    district = fields.Char()
    street = fields.Char(string="Detailed Address")
    latitude = fields.Float(digits=(10, 6))
    longitude = fields.Float(digits=(10, 6))
    scene = fields.Selection(SCENES, default="public")
    phone = fields.Char(string="Contact Phone", help="The mobile phone of the station's manager.")
    active = fields.Boolean(default=True)
    # settings (设置: 费率设置)
    tariff_id = fields.Many2one("ep.charging.tariff", string="Charging Tariff", ondelete="restrict",
                                track_visibility="onchange")
    free_charging = fields.Boolean(track_visibility="onchange",
                                   help="Every charging order of the station costs nothing.")
    reservation_rule_id = fields.Many2one("ep.charging.reservation.rule", ondelete="restrict",
                                          track_visibility="onchange")
    reservation_published = fields.Boolean(readonly=True, track_visibility="onchange",
                                           help="Owners see the station and may reserve its spaces.")
    occupancy_rule_id = fields.Many2one("ep.charging.occupancy.rule", ondelete="restrict",
                                        track_visibility="onchange")
    occupancy_active = fields.Boolean(readonly=True, track_visibility="onchange",
                                      help="The station charges occupancy fees.")
    # parking reductions earned by charging (减免)
    reduction_kind = fields.Selection([("none", "None"), ("amount", "Amount Off"), ("free", "Free Parking")],
                                      string="Parking Reduction", required=True, default="none",
                                      help="What a completed charging order takes off the car's parking fee.")
    reduction_amount = fields.Monetary()
    reduction_min_kwh = fields.Float(string="Minimum Energy (kWh)", digits=(16, 3),
                                     help="Sessions charging less earn no reduction.")
    # 支付设置, 发票设置, 运营设置 (third-party platform)
    online_payment = fields.Boolean(default=True, string="Electronic Payment")
    payment_fee_pct = fields.Float(string="Payment Fee Rate (%)", digits=(5, 3), default=0.6,
                                   help="What the payment channels keep of the amounts received (手续费).")
    service_share_pct = fields.Float(string="Service Share (%)", digits=(5, 2),
                                     help="The part of the service income owed to the platform operator.")
    einvoice_enabled = fields.Boolean(string="E-invoices", help="Owners may ask for e-invoices of their orders.")
    platform_enabled = fields.Boolean(string="Third-party Platform", help="Report to the interconnection platform.")
    platform_operator_id = fields.Char(string="Operator ID")
    platform_url = fields.Char(string="Platform URL")
    platform_secret = fields.Char(groups="ep_parking.group_admin", copy=False)
    # counts (交流桩 直流桩 在线数量 充电(枪) 故障(枪))
    charger_ids = fields.One2many("ep.charging.charger", "station_id", string="Chargers")
    ac_count = fields.Integer(compute="_compute_counts", string="AC Piles")
    dc_count = fields.Integer(compute="_compute_counts", string="DC Piles")
    online_count = fields.Integer(compute="_compute_counts", string="Online")
    offline_count = fields.Integer(compute="_compute_counts", string="Offline")
    charging_count = fields.Integer(compute="_compute_counts", string="Charging (guns)")
    fault_count = fields.Integer(compute="_compute_counts", string="Faulted (guns)")
    tariff_configured = fields.Boolean(compute="_compute_counts")

    _sql_constraints = [("code_uniq", "unique(code)", "Station numbers are unique.")]

    @api.depends("charger_ids.current_type", "charger_ids.online", "charger_ids.connector_ids.state",
                 "tariff_id", "free_charging")
    def _compute_counts(self):
        for station in self:
            chargers = station.charger_ids
            connectors = chargers.mapped("connector_ids")
            station.ac_count = len(chargers.filtered(lambda c: c.current_type == "ac"))
            station.dc_count = len(chargers.filtered(lambda c: c.current_type == "dc"))
            station.online_count = len(chargers.filtered("online"))
            station.offline_count = len(chargers) - station.online_count
            station.charging_count = len(connectors.filtered(lambda c: c.state == "charging"))
            station.fault_count = len(connectors.filtered(lambda c: c.state == "fault"))
            station.tariff_configured = bool(station.tariff_id or station.free_charging)

    @api.multi
    def unlink(self):
        if self:
            raise UserError(_("Charging stations cannot be deleted; archive them instead."))
        return super().unlink()

    # ------------------------------------------------------------ settings actions
    @api.multi
    def action_publish_reservation(self):
        for station in self:
            if not station.reservation_rule_id:
                raise UserError(_("Choose a reservation rule for %s before publishing it.") % station.name)
        return self.write({"reservation_published": True})

    @api.multi
    def action_unpublish_reservation(self):
        return self.write({"reservation_published": False})

    @api.multi
    def action_activate_occupancy(self):
        for station in self:
            if not station.occupancy_rule_id:
                raise UserError(_("Choose an occupancy rule for %s before activating it.") % station.name)
        return self.write({"occupancy_active": True})

    @api.multi
    def action_deactivate_occupancy(self):
        return self.write({"occupancy_active": False})

    @api.multi
    def write(self, vals):
        if "reservation_rule_id" in vals and not vals["reservation_rule_id"]:
            vals = dict(vals, reservation_published=False)
        if "occupancy_rule_id" in vals and not vals["occupancy_rule_id"]:
            vals = dict(vals, occupancy_active=False)
        result = super().write(vals)
        if "code" in vals:
            # sudo: the chargers' devices follow their station's number (the bridge's site code)
            self.mapped("charger_ids.device_id").sudo().write({"site_code": vals["code"]})
        return result

    def _get_deposit(self):
        """The occupancy deposit an owner prepays before charging here (0 without occupancy fees)."""
        self.ensure_one()
        if not self.occupancy_active or not self.occupancy_rule_id:
            return Decimal("0.00")
        return monetary_to_decimal(self.occupancy_rule_id.deposit)

    def _get_segments(self):
        """The TOU segments the station charges by (``[]`` when charging is free)."""
        self.ensure_one()
        if self.free_charging:
            return []
        if not self.tariff_id:
            raise UserError(_("The station %s has no charging tariff.") % self.name)
        return self.tariff_id._get_segments()
