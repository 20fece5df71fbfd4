from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib import comparison
from .ep_monthcard import DELETE, VALID_STATES

LINE_KINDS = [
    (comparison.MISSING, "Missing at the Vendor"),
    (comparison.EXTRA, "Only at the Vendor"),
    (comparison.VALIDITY, "Validity Differs"),
    (comparison.RULE, "Rule Differs"),
    (comparison.PLATES, "Sub Plates Differ"),
    (comparison.MATCH, "Matches"),
]
REPAIR_OPERATIONS = [("push", "Resend the Card"), ("delete", "Delete at the Vendor")]
REPAIR_STATES = [("none", "Not Repaired"), ("pending", "Pending"), ("done", "Done"), ("failed", "Failed")]
COMMAND_REPAIR_STATES = {"queued": "pending", "sent": "pending", "acked": "done", "failed": "failed",
                         "dead": "failed"}


class EpMonthcardComparisonLine(models.Model):
    """One difference between the vendor's report and the platform (or, for one card's
    "View Local", what the vendor holds of it), with the command that repairs it."""

    _name = "ep.monthcard.comparison.line"
    _description = "Month Card Comparison Line"
    _order = "comparison_id, id"
    _rec_name = "plate"

    comparison_id = fields.Many2one("ep.monthcard.comparison", required=True, index=True, ondelete="cascade",
                                    readonly=True)
    lot_id = fields.Many2one(related="comparison_id.lot_id", readonly=True)
    kind = fields.Selection(LINE_KINDS, required=True, readonly=True, index=True)
    plate = fields.Char(required=True, readonly=True, index=True)
    card_id = fields.Many2one("ep.monthcard", string="Month Card", readonly=True, ondelete="set null")
    platform_plates = fields.Char(readonly=True)
    platform_start = fields.Datetime(string="Platform From", readonly=True)
    platform_end = fields.Datetime(string="Platform Until", readonly=True)
    platform_rule_id = fields.Many2one("ep.monthcard.rule", readonly=True,
                                       ondelete="set null")
    vendor_card_id = fields.Integer(string="Vendor's Card ID", readonly=True)
    vendor_plates = fields.Char(readonly=True)
    vendor_start = fields.Datetime(string="Vendor From", readonly=True)
    vendor_end = fields.Datetime(string="Vendor Until", readonly=True)
    vendor_rule = fields.Char(string="Vendor Rule ID", readonly=True)
    vendor_enabled = fields.Boolean(string="Enabled at the Vendor", readonly=True)
    repair_operation = fields.Selection(REPAIR_OPERATIONS, readonly=True, copy=False)
    repair_command_id = fields.Many2one("ep.device.command", readonly=True, copy=False, ondelete="set null")
    repair_state = fields.Selection(REPAIR_STATES, compute="_compute_repair_state", store=True, index=True,
                                    string="Repair Status")
    repair_message = fields.Char(string="Repair Result", readonly=True, copy=False)

    @api.depends("repair_command_id.state")
    def _compute_repair_state(self):
        for line in self:
            command = line.repair_command_id
            line.repair_state = COMMAND_REPAIR_STATES.get(command.state, "none") if command else "none"

    @api.model
    def _prepare_line_vals(self, record, difference, cards_by_id):
        """Values of the line of ``difference`` (from lib/comparison.py) in comparison ``record``."""
        platform, vendor = difference["platform"], difference["vendor"]
        vals = {"comparison_id": record.id, "kind": difference["kind"], "plate": difference["plate"]}
        moment = fields.Datetime.to_string
        if platform:
            card = cards_by_id.get(platform["card_id"])
            vals.update(card_id=card.id, platform_plates=", ".join(platform["plates"]),
                        platform_start=moment(platform["start"]), platform_end=moment(platform["end"]),
                        platform_rule_id=card.rule_id.id)
        if vendor:
            card_id = vendor["card_id"]
            vals.update(vendor_card_id=card_id if isinstance(card_id, int) else 0,
                        vendor_plates=", ".join(vendor["plates"]),
                        vendor_start=vendor["start"] and moment(vendor["start"]),
                        vendor_end=vendor["end"] and moment(vendor["end"]),
                        vendor_rule=vendor["rule_id"] or False, vendor_enabled=vendor["enabled"])
        return vals

    # ------------------------------------------------------------ repair
    @api.multi
    def action_repair(self):
        """Delete at the vendor what only it holds, then resend the platform cards it misses or
        holds differently (one push per card). Lines being or already repaired are skipped."""
        self.mapped("comparison_id")._check_can_command()
        wrong = self.filtered(lambda line: line.comparison_id.state != "done")
        if wrong:
            raise UserError(_("Only the lines of a finished comparison can be repaired (%(plate)s).")
                            % {"plate": wrong[0].plate})
        lines = self.filtered(lambda line: line.kind != comparison.MATCH and line.repair_state in ("none", "failed"))
        if not lines:
            raise UserError(_("Nothing to repair: every difference is repaired or being repaired."))
        for record in lines.mapped("comparison_id"):
            record._check_lot_commands()
        extra = lines.filtered(lambda line: line.kind == comparison.EXTRA)
        for line in extra:
            line._repair_delete()
        push_lines = lines - extra
        for card in push_lines.mapped("card_id"):
            card_lines = push_lines.filtered(lambda line, card=card: line.card_id == card)
            if card.state not in VALID_STATES or not card.rule_id:
                card_lines.write({"repair_message": _("The card is no longer valid: nothing to resend.")})
                continue
            card.action_push()
            card_lines.write({"repair_operation": "push", "repair_command_id": card.push_command_id.id,
                              "repair_message": False})
        shadowed = extra._get_shadowed_cards() - push_lines.mapped("card_id")
        if shadowed:
            shadowed.action_push()
        for record in lines.mapped("comparison_id"):
            record.message_post(body=_("Repair sent to the vendor for %(count)s differences.")
                                % {"count": len(lines.filtered(lambda line, r=record: line.comparison_id == r))})
        return True

    def _get_shadowed_cards(self):
        """Valid platform cards sharing a plate with these vendor-only cards (the vendor held the plate
        twice): deleting the plate at the vendor deletes theirs too, so they are sent again after."""
        cards = self.env["ep.monthcard"]
        for line in self:
            platform = line.comparison_id._get_platform_cards().filtered(lambda c, line=line: c.plate == line.plate)
            if platform:
                line.repair_message = _("The platform card %(plate)s is sent again after.") % {"plate": line.plate}
            cards |= self.env["ep.monthcard"].browse(platform.ids)  # as the user: pushing checks their access
        return cards

    def _prepare_delete_args(self):
        """``monthcard_delete`` of a vendor-only card: its plates and, when it told one, its card id."""
        self.ensure_one()
        plates = [plate.strip() for plate in (self.vendor_plates or self.plate).split(",") if plate.strip()]
        return {"card_id": self.vendor_card_id or None, "plates": plates}

    def _repair_delete(self):
        self.ensure_one()
        # sudo: lot staff may delete their lot's cards at the vendor but not write the lot or the device
        # outbox; write access on the comparison was checked and the command carries the vendor's plates only.
        command = self.comparison_id.lot_id.sudo()._send_lot_command(DELETE, self._prepare_delete_args(),
                                                                     origin=self)
        self.write({"repair_operation": "delete", "repair_command_id": command.id, "repair_message": False})
