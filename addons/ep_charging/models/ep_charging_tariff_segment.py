from odoo import api, fields, models

from .ep_charging_tariff import PRICE_DIGITS

RATE_TYPES = [("sharp", "Sharp"), ("peak", "Peak"), ("flat", "Flat"), ("valley", "Valley")]


class EpChargingTariffSegment(models.Model):
    """One line of the TOU editor: rate type, start time (HH:MM), electricity and service per kWh."""

    _name = "ep.charging.tariff.segment"
    _description = "Charging Tariff Segment"
    _order = "tariff_id, start"

    tariff_id = fields.Many2one("ep.charging.tariff", required=True, index=True, ondelete="cascade")
    kind = fields.Selection(RATE_TYPES, string="Rate Type", required=True, default="flat")
    start = fields.Char(required=True, default="00:00", help="HH:MM; the segment runs to the next one's start.")
    end = fields.Char(compute="_compute_end")
    electricity = fields.Float(string="Electricity (per kWh)", digits=PRICE_DIGITS)
    service = fields.Float(string="Service (per kWh)", digits=PRICE_DIGITS)

    @api.depends("tariff_id.segment_ids.start")
    def _compute_end(self):
        for segment in self:
            later = sorted(s.start for s in segment.tariff_id.segment_ids if s.start and s.start > segment.start)
            segment.end = later[0] if later else "24:00"

    @api.constrains("kind", "start", "electricity", "service")
    def _check_tariff(self):
        """Editing one line checks its whole tariff against the four rules."""
        self.mapped("tariff_id")._check_segments()
