from decimal import Decimal
from zoneinfo import ZoneInfo

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..lib import tariff as tariff_engine
from ..lib.vendor_api import DEFAULT_TZ

UTC = ZoneInfo("UTC")

TARIFF_MODELS = [
    ("per_entry", "Per Entry"),
    ("per_hour", "Per Hour"),
    ("time_segment", "Time Segments"),
    ("tiered", "Tiered"),
]


def to_lot_time(value):
    """A stored (UTC) Odoo datetime string as the naive local lot time the engine takes."""
    moment = fields.Datetime.from_string(value).replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(DEFAULT_TZ)).replace(tzinfo=None)


def from_lot_time(value):
    """A naive local lot time as a naive UTC datetime (what Odoo stores)."""
    return value.replace(tzinfo=ZoneInfo(DEFAULT_TZ)).astimezone(UTC).replace(tzinfo=None)


def monetary_to_decimal(value):
    """Odoo stores Monetary as float; the engine takes exact decimals."""
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


class EpParkingTariff(models.Model):
    """A temporary-parking rule of a lot (seed 000 §2.3.7 B 云端计费), priced by lib/tariff.py.

    Drafts can be tried in the simulator; publishing makes it the lot's rule for its
    vehicle kind (one published tariff per lot and kind).
    """

    _name = "ep.parking.tariff"
    _description = "Temporary Parking Tariff"
    _inherit = ["mail.thread"]
    _order = "lot_id, vehicle_kind, id desc"

    name = fields.Char(required=True, track_visibility="onchange")
    lot_id = fields.Many2one("ep.parking.lot", required=True, index=True, ondelete="restrict",
                             track_visibility="onchange")
    vehicle_kind = fields.Selection(
        [("small", "Small Car"), ("medium", "Medium Car"), ("large", "Large Car"), ("extra", "Extra Large")],
        required=True, default="small", track_visibility="onchange")
    state = fields.Selection(
        [("draft", "Draft"), ("published", "Published"), ("retired", "Retired")],
        required=True, default="draft", copy=False, index=True, track_visibility="onchange")
    currency_id = fields.Many2one(related="lot_id.currency_id", readonly=True)
    model = fields.Selection(TARIFF_MODELS, required=True, default="per_hour", track_visibility="onchange")
    free_minutes = fields.Integer(default=30, track_visibility="onchange",
                                  help="A stay not longer than this is free.")
    cycle = fields.Selection(
        [("24h", "24 Hours From Entry"), ("midnight", "Calendar Day")], required=True, default="24h",
        track_visibility="onchange", help="24 hours: a cycle starts at the entry that opened it; "
                                          "calendar day: the fee restarts at midnight.")
    max_amount = fields.Monetary(string="Cap per Cycle", track_visibility="onchange",
                                 help="Highest fee in one cycle; 0 = no cap.")
    min_amount = fields.Monetary(string="Minimum Fee", track_visibility="onchange")
    # per entry
    entry_amount = fields.Monetary(string="Amount per Entry", track_visibility="onchange")
    # per hour
    first_minutes = fields.Integer(default=180, track_visibility="onchange",
                                   help="The first block, counted from entry and including the free minutes.")
    first_amount = fields.Monetary(track_visibility="onchange")
    unit_minutes = fields.Integer(default=60, track_visibility="onchange")
    unit_amount = fields.Monetary(track_visibility="onchange")
    repeat = fields.Boolean(
        string="Charge Every Stay", track_visibility="onchange",
        help="Off: within a cycle, stays together never pay more than the cap. On: each stay is charged on its own.")
    segment_ids = fields.One2many("ep.parking.tariff.segment", "tariff_id", string="Segments", copy=True)
    tier_ids = fields.One2many("ep.parking.tariff.tier", "tariff_id", string="Tiers", copy=True)
    note = fields.Text()

    @api.constrains("model", "free_minutes", "cycle", "max_amount", "min_amount", "entry_amount", "first_minutes",
                    "first_amount", "unit_minutes", "unit_amount", "segment_ids", "tier_ids")
    def _check_rule(self):
        for tariff in self:
            try:
                tariff_engine.validate_rule(tariff._get_rule())
            except ValueError as exc:
                raise ValidationError(_("The tariff %(name)s is not valid: %(error)s")
                                      % {"name": tariff.name, "error": exc}) from exc

    @api.constrains("state", "lot_id", "vehicle_kind")
    def _check_one_published(self):
        for tariff in self.filtered(lambda t: t.state == "published"):
            if self.search_count([("id", "!=", tariff.id), ("state", "=", "published"),
                                  ("lot_id", "=", tariff.lot_id.id), ("vehicle_kind", "=", tariff.vehicle_kind)]):
                raise ValidationError(_("Lot %s already has a published tariff for this vehicle kind; "
                                        "retire it first.") % tariff.lot_id.name)

    def _get_rule(self):
        """The engine's rule dict (lib/tariff.py) of this tariff."""
        self.ensure_one()
        rule = {"model": self.model, "free_minutes": self.free_minutes, "cycle": self.cycle}
        if self.max_amount:
            rule["max_amount"] = monetary_to_decimal(self.max_amount)
        if self.min_amount:
            rule["min_amount"] = monetary_to_decimal(self.min_amount)
        if self.model == "per_entry":
            rule["amount"] = monetary_to_decimal(self.entry_amount)
        elif self.model == "per_hour":
            rule.update(first_minutes=self.first_minutes, first_amount=monetary_to_decimal(self.first_amount),
                        unit_minutes=self.unit_minutes, unit_amount=monetary_to_decimal(self.unit_amount),
                        repeat=self.repeat)
        elif self.model == "time_segment":
            rule["segments"] = [{"start": seg.start, "end": seg.end, "amount": monetary_to_decimal(seg.amount)}
                                for seg in self.segment_ids.sorted("start")]
        elif self.model == "tiered":
            rule["tiers"] = [{"up_to_minutes": tier.up_to_minutes, "amount": monetary_to_decimal(tier.amount)}
                             for tier in self.tier_ids.sorted("up_to_minutes")]
        return rule

    @api.model
    def _get_label_texts(self):
        """The engine's line labels (lib/tariff.py LABELS) in the user's language, by key."""
        return {
            "free": _("Free %(minutes)d min"),
            "cycle": _("Cycle %(start)s"),
            "full_cycles": _("%(count)d full cycles from %(start)s"),
            "per_entry": _("Per entry"),
            "first_block": _("First %(minutes)d min"),
            "units": _("%(count)d x %(minutes)d min"),
            "segment": _("%(day)s %(start)s-%(end)s"),
            "tier": _("Up to %(minutes)d min"),
            "tier_over": _("Over %(minutes)d min"),
            "minimum": _("Minimum %(amount)s"),
            "cap": _("Cap %(amount)s"),
            "paid_earlier": _("Paid earlier in cycle %(amount)s"),
        }

    @api.model
    def _translate_label(self, label, texts=None):
        """An engine line label (lib/tariff.py Label) in the user's language."""
        texts = texts or self._get_label_texts()
        key = getattr(label, "key", None)
        return texts[key] % label.params if key in texts else str(label)

    def compute_fee(self, entry, exit_, history=()):
        """Price a stay (naive local datetimes) with this tariff; see lib/tariff.py."""
        self.ensure_one()
        return tariff_engine.compute_fee(self._get_rule(), entry, exit_, list(history))

    @api.multi
    def action_publish(self):
        if self.filtered(lambda t: t.state != "draft"):
            raise UserError(_("Only draft tariffs can be published."))
        return self.write({"state": "published"})

    @api.multi
    def action_retire(self):
        if self.filtered(lambda t: t.state != "published"):
            raise UserError(_("Only published tariffs can be retired."))
        return self.write({"state": "retired"})

    @api.multi
    def action_reset_draft(self):
        if self.filtered(lambda t: t.state != "retired"):
            raise UserError(_("Only retired tariffs can go back to draft."))
        return self.write({"state": "draft"})

    @api.multi
    def action_open_simulator(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "res_model": "ep.parking.tariff.simulator", "view_mode": "form",
            "target": "new", "name": _("Tariff Simulator"), "context": {"default_tariff_id": self.id},
        }

