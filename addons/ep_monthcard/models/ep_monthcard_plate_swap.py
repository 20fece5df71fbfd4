from collections import Counter
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

# ir.config_parameter keys of the "frequent swaps" filter: a card swapping at least COUNT times
# within DAYS days is worth asking why (§2.3.5 换车牌日志: 发现某些车频繁更换车牌，需要关注一下原因).
FREQUENT_COUNT_PARAM = "ep_monthcard.frequent_swap_count"
FREQUENT_DAYS_PARAM = "ep_monthcard.frequent_swap_days"
DEFAULT_FREQUENT_COUNT = 3
DEFAULT_FREQUENT_DAYS = 30
VALID_STATES = ("created", "in_use")


class EpMonthcardPlateSwap(models.Model):
    """One plate swap (换车牌, seed 000 §2.3.5): two cards of the same lot and rule exchanged
    their validity, e.g. when an owner moves the paid months to another car.

    The log is written by the swap and never changed by staff: who, when, why, and both cards'
    validity before and after. The "frequent swaps" filter finds the cards that swap often.
    """

    _name = "ep.monthcard.plate.swap"
    _description = "Month Card Plate Swap"
    _order = "date desc, id desc"
    _rec_name = "plate"

    date = fields.Datetime(required=True, readonly=True, index=True, default=fields.Datetime.now)
    user_id = fields.Many2one("res.users", string="Swapped By", required=True, readonly=True, ondelete="restrict",
                              default=lambda self: self.env.user)
    lot_id = fields.Many2one("ep.parking.lot", required=True, readonly=True, index=True, ondelete="restrict")
    region_id = fields.Many2one(related="lot_id.region_id", store=True, readonly=True)
    rule_id = fields.Many2one("ep.monthcard.rule", readonly=True, ondelete="set null")
    card_id = fields.Many2one("ep.monthcard", string="Month Card", required=True, readonly=True, index=True,
                              ondelete="restrict", help="The card the swap was made on (the old plate).")
    other_card_id = fields.Many2one("ep.monthcard", required=True, readonly=True, index=True,
                                    ondelete="restrict", help="The card of the new plate.")
    plate = fields.Char(string="Old Plate", required=True, readonly=True, index=True)
    new_plate = fields.Char(required=True, readonly=True, index=True)
    card_start_before = fields.Datetime(string="Old Plate Valid From (Before)", readonly=True)
    card_end_before = fields.Datetime(string="Old Plate Valid Until (Before)", readonly=True)
    other_start_before = fields.Datetime(string="New Plate Valid From (Before)", readonly=True)
    other_end_before = fields.Datetime(string="New Plate Valid Until (Before)", readonly=True)
    card_start_after = fields.Datetime(string="Old Plate Valid From (After)", readonly=True)
    card_end_after = fields.Datetime(string="Old Plate Valid Until (After)", readonly=True)
    other_start_after = fields.Datetime(string="New Plate Valid From (After)", readonly=True)
    other_end_after = fields.Datetime(string="New Plate Valid Until (After)", readonly=True)
    reason = fields.Text(required=True, readonly=True)
    frequent = fields.Boolean(
        compute="_compute_frequent", search="_search_frequent", string="Frequent Swaps",
        help="One of the cards swapped at least as often as the system parameters ep_monthcard.frequent_swap_count "
             "(3) times in ep_monthcard.frequent_swap_days (30) days say, this swap being one of them.")

    # ------------------------------------------------------------ computes
    def _compute_frequent(self):
        counts, threshold = self._get_recent_swap_counts()
        since = self._get_frequent_since()
        for swap in self:
            swap.frequent = swap.date >= since and max(
                counts.get(swap.card_id.id, 0), counts.get(swap.other_card_id.id, 0)) >= threshold

    def _search_frequent(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(_("Search frequent plate swaps with = or != only."))
        counts, threshold = self._get_recent_swap_counts()
        cards = [card_id for card_id, count in counts.items() if count >= threshold]
        domain = ["&", ("date", ">=", self._get_frequent_since()),
                  "|", ("card_id", "in", cards), ("other_card_id", "in", cards)]
        return domain if (operator == "=") == bool(value) else ["!"] + domain

    # ------------------------------------------------------------ frequent swaps
    @api.model
    def _get_frequent_settings(self):
        """(count, days) of the frequent-swaps filter, from the system parameters."""
        return (self._get_positive_param(FREQUENT_COUNT_PARAM, DEFAULT_FREQUENT_COUNT),
                self._get_positive_param(FREQUENT_DAYS_PARAM, DEFAULT_FREQUENT_DAYS))

    @api.model
    def _get_positive_param(self, key, default):
        """A whole number > 0 from the system parameters; ``default`` when unset or nonsense."""
        # sudo: system parameters are readable by administrators only; these are plain thresholds.
        value = self.env["ir.config_parameter"].sudo().get_param(key)
        try:
            value = int(value)
        except (TypeError, ValueError):
            return default
        return value if value > 0 else default

    @api.model
    def _get_frequent_since(self):
        days = self._get_frequent_settings()[1]
        return fields.Datetime.to_string(fields.Datetime.from_string(fields.Datetime.now()) - timedelta(days=days))

    @api.model
    def _get_recent_swap_counts(self, card_ids=None):
        """({card id: swaps within the frequent-swaps days}, the count that makes them frequent), for
        the cards of ``card_ids`` only when given."""
        counts = Counter()
        since = self._get_frequent_since()
        for field in ("card_id", "other_card_id"):
            domain = [("date", ">=", since)] + ([(field, "in", card_ids)] if card_ids is not None else [])
            for row in self.read_group(domain, [field], [field]):
                counts[row[field][0]] += row["%s_count" % field]
        return counts, self._get_frequent_settings()[0]

    # ------------------------------------------------------------ the swap
    @api.model
    def _check_swappable(self, card, other=None):
        """换车牌 条件: two created or in-use cards of the same lot and rule, changed by who may."""
        card._check_can_push()
        if card.state not in VALID_STATES:
            raise UserError(_("Only a created or in-use card swaps its plate (%(plate)s).") % {"plate": card.plate})
        if not card.rule_id:
            raise UserError(_("The card %(plate)s has no rule: plates swap between cards of the same rule.")
                            % {"plate": card.plate})
        if other is None:
            return
        other._check_can_push()
        if other == card:
            raise UserError(_("%(plate)s is the card's own plate: enter the plate of another card.")
                            % {"plate": card.plate})
        if other.lot_id != card.lot_id:
            raise UserError(_("%(plate)s is a card of %(lot)s: plates swap within one lot.")
                            % {"plate": other.plate, "lot": other.lot_id.name})
        if other.state not in VALID_STATES:
            raise UserError(_("Only a created or in-use card swaps its plate (%(plate)s).") % {"plate": other.plate})
        if other.rule_id != card.rule_id:
            raise UserError(_("%(plate)s follows %(other_rule)s, not %(rule)s: plates swap between cards of the "
                              "same rule.")
                            % {"plate": other.plate, "other_rule": other.rule_id.name or "-",
                               "rule": card.rule_id.name})

    @api.model
    def _find_card(self, lot, plate):
        """The created or in-use card of ``plate`` (its main plate) at ``lot`` the user may see."""
        return self.env["ep.monthcard"].search([("lot_id", "=", lot.id), ("plate", "=", plate),
                                                ("state", "in", VALID_STATES)], limit=1)

    @api.model
    def _swap(self, card, other, reason):
        """Exchange the validity of ``card`` and ``other``, log it, tell both chatters, and send both
        cards to the vendor again when it holds them. Returns the log entry."""
        self._check_swappable(card, other)
        if not (reason or "").strip():
            raise UserError(_("Give the reason of the plate swap."))
        before = {"card_start_before": card.date_start, "card_end_before": card.date_end,
                  "other_start_before": other.date_start, "other_end_before": other.date_end}
        card.write({"date_start": before["other_start_before"], "date_end": before["other_end_before"]})
        other.write({"date_start": before["card_start_before"], "date_end": before["card_end_before"]})
        swap = self.create(dict(
            before, lot_id=card.lot_id.id, rule_id=card.rule_id.id, card_id=card.id, other_card_id=other.id,
            plate=card.plate, new_plate=other.plate, reason=reason.strip(),
            card_start_after=card.date_start, card_end_after=card.date_end,
            other_start_after=other.date_start, other_end_after=other.date_end))
        for mine, theirs in ((card, other), (other, card)):
            mine.message_post(body=_("Plate swap with %(plate)s: valid %(start)s – %(end)s now (was %(old_start)s – "
                                     "%(old_end)s). Reason: %(reason)s")
                              % {"plate": theirs.plate, "start": mine.date_start, "end": mine.date_end,
                                 "old_start": theirs.date_start, "old_end": theirs.date_end,
                                 "reason": swap.reason})
        (card | other)._push_if_synced()
        return swap
