from odoo import _, api, fields, models
from odoo.addons.ep_parking.lib.plate import normalize_plate
from odoo.exceptions import UserError

STATES = [("occupied", "In the Space"), ("settled", "Settled"), ("arrears", "Arrears"), ("paid", "Arrears Paid")]


class EpChargingOccupancy(models.Model):
    """An occupancy order (占位订单, seed 004 §5.4, §2.3): a car in a charging space, from the space
    camera's ``space_occupied`` to ``space_freed``. When it leaves, the station's occupancy rule
    (lib/occupancy.py) gives the fee: taken from the deposit, the rest refunded, a shortfall
    arrears the owner pays later."""

    _name = "ep.charging.occupancy"
    _description = "Charging Occupancy Order"
    _inherit = ["ep.charging.station.document.mixin", "ep.charging.payable.mixin"]
    _payment_kind = "deposit"
    _order = "arrived_at desc, id desc"

    connector_id = fields.Many2one("ep.charging.connector", string="Gun", readonly=True, ondelete="set null")
    plate = fields.Char(readonly=True, index=True)
    rule_id = fields.Many2one("ep.charging.occupancy.rule", readonly=True, ondelete="restrict")
    order_id = fields.Many2one("ep.charging.order", string="Charging Order", readonly=True, ondelete="set null")
    partner_id = fields.Many2one("res.partner", string="Owner", readonly=True, index=True,
                                 help="The owner of the charging order, who pays the arrears.")
    charge_state = fields.Selection(related="order_id.charge_state", string="Charging Order State", readonly=True)
    charge_start_at = fields.Datetime(related="order_id.start_at", readonly=True)
    charge_end_at = fields.Datetime(related="order_id.end_at", readonly=True)
    arrived_at = fields.Datetime(string="Entered the Space", readonly=True)
    left_at = fields.Datetime(string="Left the Space", readonly=True)
    minutes = fields.Integer(string="Occupied (minutes)", compute="_compute_minutes", store=True)
    deposit = fields.Monetary(readonly=True)
    fee = fields.Monetary(string="Occupancy Fee", readonly=True)
    refund = fields.Monetary(readonly=True)
    arrears = fields.Monetary(readonly=True)
    offline_amount = fields.Monetary(string="Collected Offline", readonly=True)
    state = fields.Selection(STATES, required=True, default="occupied", readonly=True, index=True)

    @api.depends("arrived_at", "left_at")
    def _compute_minutes(self):
        for occupancy in self:
            if occupancy.arrived_at and occupancy.left_at:
                delta = fields.Datetime.from_string(occupancy.left_at) - fields.Datetime.from_string(
                    occupancy.arrived_at)
                occupancy.minutes = int(delta.total_seconds() // 60)
            else:
                occupancy.minutes = 0

    # ------------------------------------------------------------ space camera events
    @api.model
    def _on_space_occupied(self, charger, gun, data, when):
        station = charger.station_id
        self.env["ep.charging.reservation"]._on_arrival(gun, data.get("plate"), when)
        if not station.occupancy_active or not station.occupancy_rule_id:
            return self.browse()
        if self.search_count([("connector_id", "=", gun.id), ("state", "=", "occupied")]):
            raise UserError(_("The space of gun %s is already occupied.") % gun.name)
        rule = station.occupancy_rule_id
        return self.create({"station_id": station.id, "connector_id": gun.id, "rule_id": rule.id,
                            "plate": normalize_plate(data.get("plate") or ""), "arrived_at": when})

    @api.model
    def _on_space_freed(self, charger, gun, data, when):
        occupancy = self.search([("connector_id", "=", gun.id), ("state", "=", "occupied")], limit=1)
        if not occupancy:
            return occupancy
        occupancy._settle(when)
        if gun.state == "occupied":
            gun.state = "idle"
        return occupancy

    def _find_charging_order(self):
        """The gun's charging order of this stay: started after the car arrived."""
        self.ensure_one()
        return self.env["ep.charging.order"].search([
            ("connector_id", "=", self.connector_id.id), ("start_at", ">=", self.arrived_at),
            ("charge_state", "in", ("charging", "done"))], order="start_at desc", limit=1)

    def _settle(self, left_at=None):
        """The car left at ``left_at`` (the recorded time by default): fee, refund, arrears."""
        self.ensure_one()
        left_at = left_at or self.left_at or fields.Datetime.now()
        order = self._find_charging_order()
        charge_end = None
        if order:  # still charging when the car left: the free time starts now
            charge_end = fields.Datetime.from_string(order.end_at or left_at)
        deposit = self._money(order.deposit_amount) if order else self._money(0)  # prepaid at the start
        result = self.rule_id._compute_fee(charge_end, fields.Datetime.from_string(self.arrived_at),
                                           fields.Datetime.from_string(left_at), deposit)
        if result.refund and order.card_id:
            order.card_id._refund_deposit(order, result.refund)
        self.write({"left_at": left_at, "order_id": order.id or False, "partner_id": order.partner_id.id or False,
                    "deposit": float(deposit), "fee": float(result.fee),
                    "refund": float(result.refund), "arrears": float(result.arrears),
                    "state": "arrears" if result.arrears else "settled"})
        return result

    # ------------------------------------------------------------ the owner pays the arrears (欠费补缴)
    def _get_amount_due(self):
        return self._money(self.arrears) if self.state == "arrears" else self._money(0)

    def _on_payment(self, order):
        self.write({"state": "paid"})
