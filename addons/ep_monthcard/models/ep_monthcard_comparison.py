import json

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib import comparison
from .ep_monthcard import VALID_STATES

LIST = "monthcard_list"
COMPARISON_STATES = [("draft", "Draft"), ("waiting", "Waiting for the Vendor"), ("done", "Done"),
                     ("failed", "Failed")]


class EpMonthcardComparison(models.Model):
    """厂家上报月卡 / 月卡比对 (seed 000 §2.1.3), 查看本地 (§2.3.5): the lot's vendor reports the
    month cards it holds and the platform compares them with the lot's valid cards.

    Starting sends one ``monthcard_list`` command to the lot's local server; its ack carries the
    vendor's cards (see the addon README) and ``lib/comparison.py`` lists the differences as lines.
    Repairing pushes the platform card again where the vendor misses or differs and deletes at the
    vendor what only it holds. A comparison of one card (``card_id``) is the card's "View Local".
    States: draft → waiting (command sent) → done, or failed (refused or never answered).
    """

    _name = "ep.monthcard.comparison"
    _description = "Month Card Comparison With the Vendor"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(compute="_compute_name")
    lot_id = fields.Many2one("ep.parking.lot", required=True, index=True, ondelete="cascade",
                             readonly=True, states={"draft": [("readonly", False)]})
    card_id = fields.Many2one("ep.monthcard", string="Month Card", index=True, ondelete="cascade", readonly=True,
                              help="Set for a card's 'View Local': only this card is asked and compared.")
    state = fields.Selection(COMPARISON_STATES, required=True, default="draft", index=True, copy=False,
                             readonly=True, track_visibility="onchange")
    user_id = fields.Many2one("res.users", string="Requested By", readonly=True, copy=False)
    command_id = fields.Many2one("ep.device.command", readonly=True, copy=False, ondelete="set null")
    date_sent = fields.Datetime(string="Asked At", readonly=True, copy=False)
    date_done = fields.Datetime(string="Answered At", readonly=True, copy=False)
    message = fields.Char(string="Vendor's Answer", readonly=True, copy=False)
    platform_count = fields.Integer(string="Platform Cards", readonly=True, copy=False)
    vendor_count = fields.Integer(string="Vendor Cards", readonly=True, copy=False)
    match_count = fields.Integer(string="Matching", readonly=True, copy=False)
    ignored_count = fields.Integer(string="Ignored", readonly=True, copy=False,
                                   help="Vendor cards that let nobody in (disabled or ended) and the platform "
                                        "does not hold valid: left alone.")
    line_ids = fields.One2many("ep.monthcard.comparison.line", "comparison_id", string="Differences", readonly=True)
    mismatch_count = fields.Integer(compute="_compute_mismatch_count", string="Differences")
    repair_pending_count = fields.Integer(compute="_compute_mismatch_count", string="Repairs Pending")

    @api.depends("lot_id", "card_id", "create_date")
    def _compute_name(self):
        for record in self:
            subject = record.card_id.plate or record.lot_id.code or record.lot_id.name or ""
            record.name = "%s · %s" % (subject, record.create_date or _("New"))

    @api.depends("line_ids.kind", "line_ids.repair_state")
    def _compute_mismatch_count(self):
        for record in self:
            lines = record.line_ids.filtered(lambda line: line.kind != comparison.MATCH)
            record.mismatch_count = len(lines)
            record.repair_pending_count = len(lines.filtered(lambda line: line.repair_state == "pending"))

    # ------------------------------------------------------------ actions
    @api.multi
    def action_start(self):
        """Ask the lot's vendor for its month cards (one ``monthcard_list`` command)."""
        for record in self:
            if record.state != "draft":
                raise UserError(_("Only a draft comparison can be started (%(name)s).") % {"name": record.name})
            record._check_lot_commands()
        for record in self:
            record._check_can_command()
            # sudo: lot staff may ask their lot's vendor but not write the lot or the device outbox;
            # write access on this comparison was checked and the command carries only the lot's code.
            command = record.lot_id.sudo()._send_lot_command(LIST, record._prepare_list_args(), origin=record)
            record.write({"state": "waiting", "command_id": command.id, "user_id": self.env.uid,
                          "date_sent": fields.Datetime.now(), "message": False})
        return True

    @api.multi
    def action_restart(self):
        """Ask again: the lines of the last answer go, a new command is sent."""
        for record in self:
            if record.state not in ("done", "failed"):
                raise UserError(_("Only a finished comparison can be asked again (%(name)s).") % {"name": record.name})
        self._check_can_command()
        self.mapped("line_ids").unlink()
        self.write({"state": "draft", "platform_count": 0, "vendor_count": 0, "match_count": 0,
                    "ignored_count": 0, "date_done": False})
        return self.action_start()

    @api.multi
    def action_repair(self):
        """一键修复: resend the platform cards the vendor misses or holds differently, and delete at the
        vendor the cards only it holds. Lines already repaired or being repaired are left alone."""
        for record in self:
            if record.state != "done":
                raise UserError(_("Only a finished comparison can be repaired (%(name)s).") % {"name": record.name})
        return self.mapped("line_ids").action_repair()

    def _action_open_form(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "name": _("Comparison With the Vendor"),
                "res_model": self._name, "res_id": self.id, "view_mode": "form", "target": "current"}

    def _check_lot_commands(self):
        self.ensure_one()
        if not self.lot_id._can_take_commands():
            raise UserError(_("The lot %(lot)s has no local server or toll PC: its vendor cannot report or take its "
                              "month cards.") % {"lot": self.lot_id.name})

    def _check_can_command(self):
        # Asking the vendor and repairing change the comparison: only who may write it may do so.
        self.check_access_rights("write")
        self.check_access_rule("write")

    # ------------------------------------------------------------ vendor data
    def _prepare_list_args(self):
        """``monthcard_list`` args: the lot's code, and for one card its plates (the vendor answers
        only the cards holding one of them)."""
        self.ensure_one()
        args = {"lot": self.lot_id.code}
        if self.card_id:
            args["plates"] = [self.card_id.plate] + self.card_id.plate_ids.mapped("plate")
        return args

    def _get_platform_cards(self):
        """The cards the vendor should hold: valid (created or in use), with a rule, not yet ended."""
        self.ensure_one()
        domain = [("lot_id", "=", self.lot_id.id), ("state", "in", VALID_STATES), ("rule_id", "!=", False),
                  ("date_end", ">=", fields.Datetime.now())]
        if self.card_id:
            domain.append(("id", "=", self.card_id.id))
        # sudo: the comparison must see every card of the lot, whoever answers the command (the bridge).
        return self.env["ep.monthcard"].sudo().search(domain, order="id")

    @api.model
    def _card_dict(self, card):
        return {"card_id": card.id, "plate": card.plate, "plates": [card.plate] + card.plate_ids.mapped("plate"),
                "start": card.date_start, "end": card.date_end, "rule_id": card.rule_id.id}

    def _ep_device_command_done(self, command):
        """The bridge's callback: the vendor answered ``monthcard_list`` (or never will)."""
        for record in self.filtered(lambda r: r.command_id == command and r.state == "waiting"):
            if command.state in ("queued", "sent"):  # resent from the outbox
                continue
            if command.state != "acked" or command.result_code != 0:
                record._fail(command.result_message or command.last_error or _("No answer from the lot."))
                continue
            try:
                data = json.loads(command.response or "{}")
                vendor = comparison.parse_vendor_report(data)
            except ValueError as exc:
                record._fail(_("The vendor's report cannot be read: %(error)s") % {"error": exc})
                continue
            record._apply_report(vendor, command)

    def _fail(self, message):
        self.write({"state": "failed", "message": message, "date_done": fields.Datetime.now()})
        self.message_post(body=_("The vendor did not report its month cards: %(message)s") % {"message": message})

    def _apply_report(self, vendor, command):
        """Compare the vendor's ``vendor`` cards (normalized) with the platform's and store the lines."""
        self.ensure_one()
        cards = self._get_platform_cards()
        if self.card_id:  # the vendor may answer more than asked: keep the card's plates only
            plates = {comparison.normalize_plate(p) for p in self._prepare_list_args()["plates"]}
            vendor = [card for card in vendor if plates & set(card["plates"])]
        differences, matches, ignored = comparison.compare([self._card_dict(card) for card in cards], vendor,
                                                           fields.Datetime.now())
        by_id = {card.id: card for card in cards}
        # A card's own view shows what the vendor holds even when it matches.
        shown = differences + (matches if self.card_id else [])
        Line = self.env["ep.monthcard.comparison.line"]
        for difference in shown:
            Line.create(Line._prepare_line_vals(self, difference, by_id))
        self.write({"state": "done", "message": command.result_message or _("OK"),
                    "date_done": command.acked_at or fields.Datetime.now(), "platform_count": len(cards),
                    "vendor_count": len(vendor), "match_count": len(matches), "ignored_count": len(ignored)})
        self.message_post(body=_("The vendor reported %(vendor)s month cards against %(platform)s valid cards: "
                                 "%(matches)s match, %(differences)s differences.")
                          % {"vendor": len(vendor), "platform": len(cards), "matches": len(matches),
                             "differences": len(differences)})
