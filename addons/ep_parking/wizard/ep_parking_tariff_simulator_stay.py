from odoo import fields, models

from ..models.ep_parking_tariff import monetary_to_decimal


class EpParkingTariffSimulatorStay(models.TransientModel):
    _name = "ep.parking.tariff.simulator.stay"
    _description = "Tariff Simulator Earlier Stay"

    simulator_id = fields.Many2one("ep.parking.tariff.simulator", required=True, ondelete="cascade")
    currency_id = fields.Many2one(related="simulator_id.currency_id", readonly=True)
    entry_time = fields.Datetime(required=True)
    exit_time = fields.Datetime(required=True)
    amount = fields.Monetary(string="Charged")

    def amount_decimal(self):
        return monetary_to_decimal(self.amount)
