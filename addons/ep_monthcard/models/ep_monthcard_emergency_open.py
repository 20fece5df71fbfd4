from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib import emergency

STATES = [("waiting", "Waiting for the Code"), ("opened", "Opened"), ("expired", "Expired"),
          ("locked", "Too Many Wrong Codes")]


class EpMonthcardEmergencyOpen(models.Model):
    """An emergency opening (紧急开闸, seed 000 §2.3.5): the holder of a card with emergency opening
    asks for a gate of the card's lot; the gate shows a code on its display (``show_open_code``);
    the code typed in the app opens the gate (``open_gate``). Rules in ``lib/emergency.py``."""

    _name = "ep.monthcard.emergency.open"
    _description = "Emergency Gate Opening"
    _order = "requested_at desc, id desc"
    _rec_name = "plate"

    card_id = fields.Many2one("ep.monthcard", string="Month Card", required=True, index=True, readonly=True,
                              ondelete="cascade")
    plate = fields.Char(required=True, readonly=True)
    lot_id = fields.Many2one(related="card_id.lot_id", store=True, readonly=True)
    gate_id = fields.Many2one("ep.device", required=True, readonly=True, ondelete="restrict")
    partner_id = fields.Many2one("res.partner", string="Asked By", required=True, readonly=True, index=True)
    requested_at = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    expires_at = fields.Datetime(string="Code Valid Until", required=True, readonly=True)
    code = fields.Char(readonly=True, groups="ep_parking.group_admin",
                       help="The code the gate displays; the holder types it to open the gate.")
    attempts = fields.Integer(string="Wrong Codes", readonly=True)
    state = fields.Selection(STATES, required=True, default="waiting", readonly=True, index=True)
    display_command_id = fields.Many2one("ep.device.command", string="Code Command", readonly=True,
                                         ondelete="set null")
    open_command_id = fields.Many2one("ep.device.command", string="Opening Command", readonly=True,
                                      ondelete="set null")
    open_command_state = fields.Selection(related="open_command_id.state", string="Gate Answer", readonly=True)

    # ------------------------------------------------------------ checks
    @api.model
    def _get_refusal_messages(self):
        return {
            "not_enabled": _("Emergency opening is not switched on for this month card: ask the lot staff."),
            "not_valid": _("Only a created or in-use month card may open a gate in an emergency."),
            "out_of_validity": _("The month card is not valid now: renew it first."),
        }

    @api.model
    def _check_card_and_gate(self, card, gate):
        now = fields.Datetime.from_string(fields.Datetime.now())
        refusal = emergency.card_refusal(card.state, card.emergency_open, fields.Datetime.from_string(card.date_start),
                                         fields.Datetime.from_string(card.date_end), now)
        if refusal:
            raise UserError(self._get_refusal_messages()[refusal])
        if not gate or gate.kind != "gate" or gate.lot_id != card.lot_id:
            raise UserError(_("Choose a gate of the lot %s.") % card.lot_id.name)

    # ------------------------------------------------------------ the holder's steps
    @api.model
    def _request(self, card, gate, partner):
        """申请紧急开闸: a code is sent to ``gate``'s display; returns the request."""
        self._check_card_and_gate(card, gate)
        self.search([("card_id", "=", card.id), ("state", "=", "waiting")]).write({"state": "expired"})
        code = emergency.new_code()
        now = fields.Datetime.from_string(fields.Datetime.now())
        request = self.create({
            "card_id": card.id, "plate": card.plate, "gate_id": gate.id, "partner_id": partner.id,
            "requested_at": fields.Datetime.to_string(now),
            "expires_at": fields.Datetime.to_string(emergency.code_expiry(now)), "code": code,
        })
        request.display_command_id = self.env["ep.device.command"].send(
            gate, "show_open_code", {"code": code, "plate": card.plate, "seconds": emergency.CODE_MINUTES * 60,
                                     "request": request.id}, origin=request)
        return request

    def _try_code(self, code):
        """输入开闸码: the outcome (``lib.emergency``); right, the gate is told to open."""
        self.ensure_one()
        self.env.cr.execute("SELECT id FROM ep_monthcard_emergency_open WHERE id = %s FOR UPDATE", (self.id,))
        self.invalidate_cache()
        outcome = emergency.check_code(self.code, code, fields.Datetime.from_string(self.expires_at),
                                       fields.Datetime.from_string(fields.Datetime.now()), self.attempts,
                                       used=self.state == "opened")
        if outcome == emergency.WRONG:
            attempts = self.attempts + 1
            self.write({"attempts": attempts,
                        "state": "locked" if attempts >= emergency.MAX_ATTEMPTS else "waiting"})
        elif outcome == emergency.EXPIRED:
            self.state = "expired"
        elif outcome == emergency.OK:
            self._check_card_and_gate(self.card_id, self.gate_id)
            self.write({"state": "opened", "open_command_id": self.env["ep.device.command"].send(
                self.gate_id, "open_gate", {"reason": "emergency", "plate": self.plate, "card_id": self.card_id.id},
                origin=self).id})
            self.card_id.message_post(body=_("Emergency opening of the gate %(gate)s by the holder.")
                                      % {"gate": self.gate_id.name})
        return outcome

    @api.model
    def _get_outcome_message(self, outcome):
        return {
            emergency.OK: _("The gate is opening."),
            emergency.WRONG: _("Wrong code: type the code shown on the gate's display."),
            emergency.EXPIRED: _("The code has expired: ask for a new one."),
            emergency.LOCKED: _("Too many wrong codes: ask for a new one."),
            emergency.USED: _("The gate was already opened with this code."),
        }[outcome]

    def _gate_status(self):
        """"opening", "open" or "failed" for the holder's page (the unplated pages' rule)."""
        return self.env["ep.parking.unplated"]._gate_status(self.open_command_id)
