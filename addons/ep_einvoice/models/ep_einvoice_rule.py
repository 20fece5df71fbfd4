from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class EpEinvoiceRule(models.Model):
    """An invoicing rule (开票规则, seed 000 §2.3.9 4) of a lot: its taxpayer, which orders may be
    invoiced and for how long after payment, general (普票, type 02) or special (专票, type 01)."""

    _name = "ep.einvoice.rule"
    _description = "Invoicing Rule"
    _order = "lot_id"
    _rec_name = "lot_id"

    lot_id = fields.Many2one("ep.parking.lot", required=True, index=True, ondelete="cascade")
    region_id = fields.Many2one(related="lot_id.region_id", store=True, readonly=True)
    taxpayer_id = fields.Many2one("ep.einvoice.taxpayer", required=True, ondelete="restrict")
    invoice_type = fields.Selection([("02", "General (普票)"), ("01", "Special (专票)")], required=True,
                                    default="02")
    temporary = fields.Boolean(string="Temporary Parking", default=True)
    month_card = fields.Boolean(string="Month Cards", default=True)
    coupon = fields.Boolean(string="Coupon Purchases", default=True)
    charging = fields.Boolean(default=True)
    days_limit = fields.Integer(string="Invoice Within (days)", default=180,
                                help="Orders paid longer ago cannot be invoiced (0: no limit).")
    self_invoicing = fields.Boolean(string="Owners Invoice Themselves", default=True)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("lot_uniq", "unique(lot_id, active)", "One active invoicing rule per lot."),
        ("days_positive", "CHECK(days_limit >= 0)", "The time limit must not be negative."),
    ]

    @api.constrains("lot_id", "taxpayer_id")
    def _check_taxpayer(self):
        for rule in self:
            if rule.taxpayer_id.lot_ids and rule.lot_id not in rule.taxpayer_id.lot_ids:
                raise ValidationError(_("%(taxpayer)s does not invoice for %(lot)s.")
                                      % {"taxpayer": rule.taxpayer_id.name, "lot": rule.lot_id.name})

    def _accepts(self, order_kind):
        """Whether orders of ``order_kind`` (the transaction order's kind) may be invoiced."""
        self.ensure_one()
        flags = {"temporary": self.temporary, "month_card": self.month_card, "coupon": self.coupon,
                 "charging": self.charging, "deposit": self.charging, "reservation": self.charging}
        return flags.get(order_kind, False)
