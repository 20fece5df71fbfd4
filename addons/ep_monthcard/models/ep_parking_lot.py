from odoo import _, api, fields, models
from odoo.addons.ep_parking.lib.plate import normalize_plate
from odoo.exceptions import UserError

COMMAND_DEVICE_KINDS = ("local_server", "toll_pc")


class EpParkingLot(models.Model):
    """Month cards answer "does this plate or owner hold a valid card here?" for lists
    (month card beats blacklist, §2.2.5) and system-review reservations (§2.2.6), and the
    lot can send all its valid cards to its vendor again (全场重发, §2.3.5)."""

    _inherit = "ep.parking.lot"

    monthcard_rule_ids = fields.One2many("ep.monthcard.rule", "lot_id", string="Month Card Rules")
    monthcard_count = fields.Integer(compute="_compute_monthcard_count", string="Month Cards")

    def _compute_monthcard_count(self):
        counts = dict((row["lot_id"][0], row["lot_id_count"]) for row in self.env["ep.monthcard"].read_group(
            [("lot_id", "in", self.ids), ("state", "!=", "cancelled")], ["lot_id"], ["lot_id"]))
        for lot in self:
            lot.monthcard_count = counts.get(lot.id, 0)

    def _plate_has_valid_month_card(self, plate, at=None):
        self.ensure_one()
        plate = normalize_plate(plate)
        valid = self.env["ep.monthcard"]._get_valid_domain(self, at)
        # sudo: the answer is a yes/no the lists and the owner app need whoever asks
        # (owners have no access to cards); no card data leaves this method. A sub plate of a valid
        # card counts as the card's main plate (the sub plates are searched first: a domain through
        # card_id would list every valid card of the lot).
        return bool(self.env["ep.monthcard"].sudo().search_count(
            valid + ["|", ("plate", "=", plate), ("plate_ids.plate", "=", plate)])) \
            or super()._plate_has_valid_month_card(plate, at=at)

    def _partner_has_valid_month_card(self, partner, at=None):
        self.ensure_one()
        if not partner:
            return False
        domain = self.env["ep.monthcard"]._get_valid_domain(self, at) + [("partner_id", "=", partner.id)]
        # sudo: as above, a yes/no for the reservation check of the owner app.
        return bool(self.env["ep.monthcard"].sudo().search_count(domain)) \
            or super()._partner_has_valid_month_card(partner, at=at)

    def _can_take_commands(self):
        """Whether the lot has a local server or toll PC to send commands to."""
        self.ensure_one()
        return bool(self.device_ids.filtered(lambda d: d.active and d.kind in COMMAND_DEVICE_KINDS))

    @api.multi
    def action_resend_monthcards(self):
        """全场重发: send every valid card of the lot (with a rule) to the vendor again.

        One ``monthcard_upsert`` command per card, so each card shows its own answer and a
        failure can be resent alone. The count goes to the lot's chatter."""
        self.ensure_one()
        cards = self.env["ep.monthcard"].search([("lot_id", "=", self.id), ("state", "in", ("created", "in_use")),
                                                 ("rule_id", "!=", False)])
        if not cards:
            raise UserError(_("The lot %(lot)s has no valid month card with a rule to send.") % {"lot": self.name})
        cards.action_push()
        self.message_post(body=_("%(count)s month cards sent to the vendor again.") % {"count": len(cards)})
        return True

    @api.multi
    def action_view_monthcards(self):
        return self._action_open_related("ep_monthcard.ep_monthcard_action")

    @api.multi
    def action_view_monthcard_rules(self):
        return self._action_open_related("ep_monthcard.ep_monthcard_rule_action")

    # ------------------------------------------------------------ 厂家上报月卡 / 月卡比对 (§2.1.3)
    @api.multi
    def action_compare_monthcards(self):
        self.ensure_one()
        record = self.env["ep.monthcard.comparison"].create({"lot_id": self.id})
        record.action_start()
        return record._action_open_form()

    @api.multi
    def action_view_monthcard_comparisons(self):
        return self._action_open_related("ep_monthcard.ep_monthcard_comparison_action")

    # ------------------------------------------------------------ 月卡推送消息 (§2.1.3)
    @api.multi
    def action_open_reminder_setting(self):
        self.ensure_one()
        setting = self.env["ep.monthcard.reminder.setting"].with_context(active_test=False).search(
            [("lot_id", "=", self.id)], limit=1)
        action = {"type": "ir.actions.act_window", "name": _("Reminder Settings"),
                  "res_model": "ep.monthcard.reminder.setting", "view_mode": "form", "target": "current",
                  "context": {"default_lot_id": self.id}}
        if setting:
            action["res_id"] = setting.id
        return action

    @api.multi
    def action_view_monthcard_reminders(self):
        return self._action_open_related("ep_monthcard.ep_monthcard_reminder_action")
