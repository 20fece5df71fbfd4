import json
import time
import uuid
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .. import settings
from ..lib import retry
from ..lib.protocol import encode_command, topic

NOTIFY_CHANNEL = "ep_device_command"
OPEN_STATES = ("queued", "sent")
DONE_STATES = ("acked", "failed", "dead")


class EpDeviceCommand(models.Model):
    """The outbox: a command to a device, stored in the caller's transaction.

    The bridge process publishes it only once that transaction committed (it reads
    committed rows; PostgreSQL delivers the NOTIFY that wakes it only on commit),
    and sends it again with backoff until the device acks it or it runs out of
    attempts or time.
    """

    _name = "ep.device.command"
    _description = "Device Command"
    _order = "id desc"
    _rec_name = "uuid"

    uuid = fields.Char(string="Command ID", required=True, readonly=True, index=True, copy=False,
                       default=lambda self: str(uuid.uuid4()))
    device_id = fields.Many2one("ep.device", required=True, readonly=True, index=True, ondelete="restrict")
    site_code = fields.Char(related="device_id.site_code", store=True, readonly=True, index=True)
    command = fields.Char(required=True, readonly=True)
    args = fields.Text(readonly=True, default="{}", help="JSON object sent as the command's args.")
    state = fields.Selection(
        [("queued", "Queued"), ("sent", "Sent"), ("acked", "Acknowledged"), ("failed", "Failed"), ("dead", "Dead")],
        required=True, default="queued", readonly=True, index=True, copy=False,
    )
    attempts = fields.Integer(readonly=True, copy=False)
    max_attempts = fields.Integer(required=True, readonly=True,
                                  default=lambda self: int(settings.bridge_option("max_attempts")))
    deadline = fields.Datetime(readonly=True, help="Give up (dead) when not acked by then.")
    next_attempt_at = fields.Datetime(readonly=True, index=True, copy=False, default=fields.Datetime.now)
    sent_at = fields.Datetime(readonly=True, copy=False)
    acked_at = fields.Datetime(readonly=True, copy=False)
    last_error = fields.Text(readonly=True, copy=False)
    result_code = fields.Integer(readonly=True, copy=False)
    result_message = fields.Char(readonly=True, copy=False)
    response = fields.Text(readonly=True, copy=False, help="The data the device returned with its ack (JSON).")
    origin_model = fields.Char(readonly=True, index=True)
    origin_id = fields.Integer(readonly=True, index=True)
    origin_ref = fields.Char(compute="_compute_origin_ref", string="Origin")

    _sql_constraints = [
        ("uuid_uniq", "unique(uuid)", "Command IDs are unique."),
        ("max_attempts_positive", "CHECK(max_attempts > 0)", "A command needs at least one attempt."),
    ]

    @api.depends("origin_model", "origin_id")
    def _compute_origin_ref(self):
        for command in self:
            origin = command._origin_record()
            command.origin_ref = origin.display_name if origin else False

    def _origin_record(self):
        if not self.origin_model or not self.origin_id or self.origin_model not in self.env:
            return None
        record = self.env[self.origin_model].browse(self.origin_id).exists()
        return record or None

    # ------------------------------------------------------------ API for other addons
    @api.model
    def send(self, device, command, args=None, origin=None, max_attempts=None, deadline=None):
        """Queue ``command`` for ``device`` in the current transaction; returns the command.

        ``origin`` is the record that asked for it: when the device answers, the bridge
        calls ``origin._ep_device_command_done(command)`` if the origin model defines it.
        """
        return self.create(self._prepare_command_vals(device, command, args, origin, max_attempts, deadline))

    @api.model
    def _prepare_command_vals(self, device, command, args, origin, max_attempts, deadline):
        device = device if isinstance(device, models.BaseModel) else self.env["ep.device"].browse(device)
        device.ensure_one()
        if not device.active:
            raise UserError(_("Device %s is archived: it cannot receive commands.") % device.display_name)
        if args is not None and not isinstance(args, dict):
            raise UserError(_("Command arguments must be a dictionary."))
        try:
            encode_command("check", command, args)  # validates name and JSON-ability
            topic(device.site_code, device.code, "cmd")
        except (ValueError, TypeError) as exc:
            raise UserError(_("Invalid command for %(device)s: %(error)s")
                            % {"device": device.display_name, "error": exc}) from exc
        vals = {
            "device_id": device.id,
            "command": command,
            "args": json.dumps(args or {}, ensure_ascii=False, sort_keys=True),
            "deadline": deadline,
        }
        if max_attempts:
            vals["max_attempts"] = max_attempts
        if origin is not None:
            origin.ensure_one()
            vals.update(origin_model=origin._name, origin_id=origin.id)
        return vals

    @api.model
    def create(self, vals):
        command = super().create(vals)
        self._notify_bridge()
        return command

    def _notify_bridge(self):
        # Delivered by PostgreSQL to the bridge's LISTEN only if this transaction commits.
        self.env.cr.execute("SELECT pg_notify(%s, '')", (NOTIFY_CHANNEL,))

    @api.multi
    def wait(self, timeout=10.0, interval=0.1):
        """Block until the bridge settled these commands (acked/failed/dead) or timeout;
        returns the states by command. Reads through a new cursor, so it sees the bridge's
        commits; call it after the transaction that queued the commands committed."""
        deadline = time.monotonic() + timeout
        states = {}
        while True:
            with self.pool.cursor() as cr:
                cr.execute("SELECT id, state FROM ep_device_command WHERE id IN %s", (tuple(self.ids),))
                states = dict(cr.fetchall())
            if all(state in DONE_STATES for state in states.values()) or time.monotonic() >= deadline:
                self.invalidate_cache()
                return states
            time.sleep(interval)

    # ------------------------------------------------------------ staff actions
    @api.multi
    def action_resend(self):
        """Queue a dead or failed command again, with a fresh set of attempts."""
        wrong = self.filtered(lambda c: c.state not in ("dead", "failed"))
        if wrong:
            raise UserError(_("Only dead or failed commands can be resent: %s") % ", ".join(wrong.mapped("uuid")))
        self.write({"state": "queued", "attempts": 0, "next_attempt_at": fields.Datetime.now(),
                    "last_error": False, "result_code": 0, "result_message": False, "response": False,
                    "sent_at": False, "acked_at": False, "deadline": False})
        self._notify_bridge()
        return True

    # ------------------------------------------------------------ bridge side
    def payload(self):
        self.ensure_one()
        return encode_command(self.uuid, self.command, json.loads(self.args or "{}"))

    def mqtt_topic(self):
        self.ensure_one()
        return topic(self.device_id.site_code, self.device_id.code, "cmd")

    @api.model
    def _claim_due(self, limit=100, now=None):
        """Lock the commands due for (re)publication that no other bridge holds."""
        now = now or fields.Datetime.now()
        self.env.cr.execute(
            """SELECT id FROM ep_device_command
                WHERE state IN %s AND next_attempt_at <= %s
                ORDER BY next_attempt_at, id LIMIT %s
                FOR UPDATE SKIP LOCKED""",
            (OPEN_STATES, now, limit),
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    def _give_up_reason(self, now):
        deadline = fields.Datetime.from_string(self.deadline) if self.deadline else None
        return retry.give_up_reason(self.attempts, self.max_attempts, fields.Datetime.from_string(now), deadline)

    def _mark_dead(self, reason):
        self.write({"state": "dead", "last_error": reason})
        self._notify_origin()

    def _mark_sent(self, now):
        base, cap = int(settings.bridge_option("ack_timeout")), int(settings.bridge_option("ack_timeout_cap"))
        for command in self:
            attempts = command.attempts + 1
            when = retry.next_attempt_at(fields.Datetime.from_string(now), attempts, base, cap)
            command.write({"state": "sent", "attempts": attempts, "sent_at": now, "last_error": False,
                           "next_attempt_at": fields.Datetime.to_string(when)})

    def _mark_publish_failed(self, error, now, delay=2):
        when = fields.Datetime.from_string(now) + timedelta(seconds=delay)
        self.write({"last_error": error, "next_attempt_at": fields.Datetime.to_string(when)})

    @api.model
    def _apply_ack(self, site_code, device_code, ack, now=None):
        """Record a device's ack. Unknown, duplicate and late acks change nothing."""
        command = self.search([("uuid", "=", ack.command_id)], limit=1)
        if not command or command.state not in OPEN_STATES:
            return self.browse()
        if (command.device_id.site_code, command.device_id.code) != (site_code, device_code):
            return self.browse()  # an ack on another device's topic: not this device's command
        command.write({
            "state": "acked" if ack.result == 0 else "failed",
            "result_code": ack.result,
            "result_message": ack.message,
            "response": json.dumps(ack.data, ensure_ascii=False, sort_keys=True) if ack.data else False,
            "acked_at": now or fields.Datetime.now(),
            "last_error": False if ack.result == 0 else _("device error %(code)s: %(message)s")
            % {"code": ack.result, "message": ack.message},
        })
        command._notify_origin()
        return command

    def _notify_origin(self):
        for command in self:
            origin = command._origin_record()
            if origin is not None and hasattr(origin, "_ep_device_command_done"):
                origin._ep_device_command_done(command)
