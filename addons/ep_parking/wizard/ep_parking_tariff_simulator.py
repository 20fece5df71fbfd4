from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.ep_parking_tariff import to_lot_time


class EpParkingTariffSimulator(models.TransientModel):
    """Try a tariff on a stay (and earlier stays of the same cycle) before publishing it."""

    _name = "ep.parking.tariff.simulator"
    _description = "Tariff Simulator"

    tariff_id = fields.Many2one("ep.parking.tariff", required=True, ondelete="cascade")
    currency_id = fields.Many2one(related="tariff_id.currency_id", readonly=True)
    entry_time = fields.Datetime(required=True, default=fields.Datetime.now)
    exit_time = fields.Datetime(required=True, default=fields.Datetime.now)
    history_ids = fields.One2many("ep.parking.tariff.simulator.stay", "simulator_id", string="Earlier Stays")
    amount = fields.Monetary(readonly=True)
    explanation = fields.Text(readonly=True)

    @api.multi
    def action_compute(self):
        self.ensure_one()
        if self.exit_time < self.entry_time:
            raise UserError(_("The exit must come after the entry."))
        history = [(to_lot_time(stay.entry_time), to_lot_time(stay.exit_time), stay.amount_decimal())
                   for stay in self.history_ids]
        try:
            result = self.tariff_id.compute_fee(to_lot_time(self.entry_time), to_lot_time(self.exit_time), history)
        except ValueError as exc:
            raise UserError(_("The tariff cannot price this stay: %s") % exc) from exc
        texts = self.tariff_id._get_label_texts()
        self.write({
            "amount": float(result.amount),
            "explanation": "\n".join("%s: %s" % (self.tariff_id._translate_label(label, texts), amount)
                                     for label, amount in result.lines),
        })
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id, "view_mode": "form",
                "target": "new", "name": _("Tariff Simulator")}
