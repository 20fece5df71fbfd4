from decimal import Decimal

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib.tou import validate_tou

PRICE_DIGITS = (12, 4)


def price_to_decimal(value):
    """A per-kWh price (Float, 4 digits) as an exact Decimal."""
    return Decimal(str(value or 0)).quantize(Decimal("0.0001"))


class EpChargingTariff(models.Model):
    """A charging tariff (充电费, seed 004 §2.1): time-of-use segments with an electricity and a
    service price per kWh; the editor's four rules are lib/tou.py's ``validate_tou``. A tariff
    priced 0 everywhere is a free (VIP) tariff."""

    _name = "ep.charging.tariff"
    _description = "Charging Tariff"
    _order = "name, id"

    name = fields.Char(required=True)
    segment_ids = fields.One2many("ep.charging.tariff.segment", "tariff_id", string="Segments", copy=True)
    summary = fields.Char(compute="_compute_summary", string="Rule")
    is_free = fields.Boolean(compute="_compute_summary", string="Free")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.user.company_id)

    @api.depends("segment_ids.start", "segment_ids.electricity", "segment_ids.service", "segment_ids.kind")
    def _compute_summary(self):
        for tariff in self:
            try:
                segments = tariff._get_segments()
            except ValidationError:
                tariff.summary, tariff.is_free = _("Invalid segments"), False
                continue
            tariff.summary = "; ".join(
                _("%(start)s-%(end)s, electricity %(electricity)s, service %(service)s") % segment
                for segment in segments)
            tariff.is_free = bool(segments) and not any(s["electricity"] or s["service"] for s in segments)

    def _get_segments(self):
        """The tariff as ``validate_tou`` normalises it; ValidationError naming the broken rule."""
        self.ensure_one()
        raw = [{"type": seg.kind, "start": seg.start, "electricity": price_to_decimal(seg.electricity),
                "service": price_to_decimal(seg.service)} for seg in self.segment_ids.sorted("start")]
        try:
            return validate_tou(raw)
        except ValueError as exc:
            raise ValidationError(_("Tariff %(name)s: %(reason)s") % {"name": self.name, "reason": exc}) from None

    @api.constrains("segment_ids")
    def _check_segments(self):
        for tariff in self:
            tariff._get_segments()
