from odoo import _, fields, models

PUSH_STATES = [("pending", "Pending"), ("sent", "Sent"), ("failed", "Failed")]


class EpParkingPushMixin(models.AbstractModel):
    """A record the lot's vendor keeps a copy of (black/white list entries, month-card rules and cards).

    The record queues a bridge command to the lot and remembers it in ``push_command_id``; the
    bridge calls ``_ep_device_command_done`` when the lot answers and the push fields follow:
    pending (sent, no answer yet), sent (the vendor applied it, result 0) or failed (refused or
    never answered). Only the latest push decides. Models extend ``_prepare_push_result_vals``
    for what an applied push changes and ``_on_push_acked`` for what follows it.
    """

    _name = "ep.parking.push.mixin"
    _description = "Pushed to the Lot's Vendor"

    push_state = fields.Selection(
        PUSH_STATES, string="Push Status", readonly=True, copy=False, index=True, track_visibility="onchange",
        help="Pending: sent to the lot, no answer yet. Sent: the lot applied it (result 0). Failed: the lot "
             "refused it or never answered.")
    push_command_id = fields.Many2one("ep.device.command", readonly=True, copy=False, ondelete="set null")
    push_message = fields.Char(string="Push Result", readonly=True, copy=False)
    push_date = fields.Datetime(string="Pushed At", readonly=True, copy=False)

    def _prepare_push_sent_vals(self, command):
        """Values of a record whose push ``command`` was just queued."""
        return {"push_state": "pending", "push_command_id": command.id, "push_message": False,
                "push_date": fields.Datetime.now()}

    def _ep_device_command_done(self, command):
        """The bridge's callback once the lot answered (or never will)."""
        for record in self:
            if command != record.push_command_id:
                continue  # an older push: the latest one decides
            vals = record._prepare_push_result_vals(command)
            record.write(vals)
            if vals.get("push_state") == "failed":
                record.message_post(body=_("The lot did not apply %(command)s: %(message)s")
                                    % {"command": command.command, "message": vals["push_message"] or ""})
            elif vals.get("push_state") == "sent":
                record._on_push_acked(command)

    def _prepare_push_result_vals(self, command):
        if command.state in ("queued", "sent"):  # resent from the outbox
            return {"push_state": "pending", "push_message": False}
        if command.state != "acked" or command.result_code != 0:
            return {"push_state": "failed", "push_message": command.result_message or command.last_error
                    or _("No answer from the lot.")}
        return {"push_state": "sent", "push_message": command.result_message or _("OK")}

    def _on_push_acked(self, command):
        """Hook: the lot applied ``command`` (result 0)."""
