import logging
import os
import signal

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .. import settings
from ..lib import mosquitto
from ..lib.protocol import check_code

_logger = logging.getLogger(__name__)


class EpDevice(models.Model):
    _name = "ep.device"
    _description = "Field Device"
    _inherit = ["mail.thread"]
    _order = "site_code, code"

    name = fields.Char(required=True, track_visibility="onchange")
    code = fields.Char(
        required=True, index=True, track_visibility="onchange",
        help="Device code, the device's level in its MQTT topics: ep/<site>/<device>/...",
    )
    site_code = fields.Char(
        required=True, index=True, track_visibility="onchange",
        help="Code of the lot or charging station the device belongs to.",
    )
    kind = fields.Selection(
        [("local_server", "Local Server"), ("other", "Other")],
        required=True, default="other", track_visibility="onchange",
    )
    vendor = fields.Char(track_visibility="onchange")
    active = fields.Boolean(default=True)
    online = fields.Boolean(readonly=True, copy=False)
    last_seen = fields.Datetime(readonly=True, copy=False)
    presence_changed_at = fields.Datetime(readonly=True, copy=False)
    mqtt_username = fields.Char(
        string="MQTT User", copy=False, index=True,
        help="The device's account on the broker; its ACL limits it to its own topics.",
    )
    mqtt_password_hash = fields.Char(
        string="MQTT Password Hash", copy=False, groups="ep_device_bridge.group_device_manager",
    )
    has_mqtt_password = fields.Boolean(compute="_compute_has_mqtt_password")
    command_ids = fields.One2many("ep.device.command", "device_id", string="Commands")
    event_ids = fields.One2many("ep.device.event", "device_id", string="Events")
    command_count = fields.Integer(compute="_compute_counts")
    event_count = fields.Integer(compute="_compute_counts")

    _sql_constraints = [
        ("code_site_uniq", "unique(site_code, code)", "A device code must be unique within its site."),
        ("mqtt_username_uniq", "unique(mqtt_username)", "Two devices cannot share an MQTT user."),
    ]

    @api.depends("mqtt_username")
    def _compute_has_mqtt_password(self):
        # sudo: the hash itself is for device managers only; whether one is set is not secret.
        hashes = {device.id: device.mqtt_password_hash for device in self.sudo()}
        for device in self:
            device.has_mqtt_password = bool(hashes.get(device.id))

    def _compute_counts(self):
        for model, field in (("ep.device.command", "command_count"), ("ep.device.event", "event_count")):
            groups = self.env[model].read_group([("device_id", "in", self.ids)], ["device_id"], ["device_id"])
            counts = {group["device_id"][0]: group["device_id_count"] for group in groups}
            for device in self:
                device[field] = counts.get(device.id, 0)

    @api.constrains("code", "site_code", "mqtt_username")
    def _check_codes(self):
        for device in self:
            try:
                check_code(device.code, _("device code"))
                check_code(device.site_code, _("site code"))
                if device.mqtt_username:
                    check_code(device.mqtt_username, _("MQTT user"))
            except ValueError as exc:
                raise ValidationError(str(exc)) from exc

    @api.model
    def create(self, vals):
        vals = dict(vals)
        vals.setdefault("mqtt_username", vals.get("code"))
        device = super().create(vals)
        device._schedule_broker_sync()
        return device

    @api.multi
    def write(self, vals):
        result = super().write(vals)
        if {"mqtt_username", "mqtt_password_hash", "active"} & set(vals):
            self._schedule_broker_sync()
        return result

    @api.multi
    def unlink(self):
        self._schedule_broker_sync()
        return super().unlink()

    # ------------------------------------------------------------ actions
    @api.multi
    def action_generate_mqtt_password(self):
        """A new random password, shown once; only its hash is kept."""
        self.ensure_one()
        if not self.mqtt_username:
            raise UserError(_("Set the device's MQTT user first."))
        password = os.urandom(18).hex()
        self.set_mqtt_password(password)
        wizard = self.env["ep.device.password"].create({"device_id": self.id, "password": password})
        return {
            "type": "ir.actions.act_window",
            "name": _("MQTT Password"),
            "res_model": "ep.device.password",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    @api.multi
    def set_mqtt_password(self, password):
        try:
            hashed = mosquitto.password_hash(password)
        except ValueError as exc:
            raise UserError(str(exc)) from exc
        # sudo: the hash field is restricted to device managers; callers were checked by
        # the write access on the device itself just below.
        self.check_access_rights("write")
        self.check_access_rule("write")
        self.sudo().write({"mqtt_password_hash": hashed})

    @api.multi
    def action_view_commands(self):
        return self._action_related("ep_device_bridge.ep_device_command_action")

    @api.multi
    def action_view_events(self):
        return self._action_related("ep_device_bridge.ep_device_event_action")

    def _action_related(self, xmlid):
        self.ensure_one()
        action = self.env.ref(xmlid).read()[0]
        action["domain"] = [("device_id", "=", self.id)]
        action["context"] = {"search_default_device_id": self.id}
        return action

    # ------------------------------------------------------------ presence
    @api.model
    def _find(self, site_code, device_code):
        return self.search([("site_code", "=", site_code), ("code", "=", device_code)], limit=1)

    @api.model
    def _foreign_topics(self, keys):
        """Of the (site code, device code) levels of inbound topics, those another device's account
        published on: the broker's ACL ties a topic's device level to the MQTT user (``ep/+/%u/...``)
        but not its site, so the account ``gate-in-1`` of lot A's gate may publish on
        ``ep/<lot B>/gate-in-1/event``, which names lot B's gate of the same code (whose own account
        is another). Such a message is the device of A speaking for B: the bridge drops it."""
        codes = tuple({device_code for _site, device_code in keys})
        if not codes:
            return set()
        self.env.cr.execute("SELECT mqtt_username, site_code, code FROM ep_device WHERE mqtt_username IN %s",
                            (codes,))
        owners = {username: (site, code) for username, site, code in self.env.cr.fetchall()}
        return {key for key in keys if key[1] in owners and owners[key[1]] != tuple(key)}

    @api.multi
    def _set_presence(self, online, when):
        """``when``: a datetime string. A late or repeated report (heartbeats come many a second)
        neither moves ``last_seen`` back nor writes anything."""
        for device in self:
            vals = {}
            if not device.last_seen or when > device.last_seen:
                vals["last_seen"] = when
            if device.online != online:
                vals.update(online=online, presence_changed_at=when)
            if vals:
                device.write(vals)

    # ------------------------------------------------------------ broker accounts
    def _schedule_broker_sync(self):
        if settings.bridge_option("password_file"):
            # The file is outside the transaction: write it only once the change is committed.
            self.env.cr.after("commit", self._sync_broker_accounts_after_commit)

    def _sync_broker_accounts_after_commit(self):
        with self.pool.cursor() as cr:
            self.with_env(self.env(cr=cr)).sync_broker_accounts()

    @api.model
    def sync_broker_accounts(self):
        """Write every device account into the broker's password file and make it reload.

        Only when odoo.conf names the file (``password_file``); brokers managed elsewhere
        (EMQX with its own authentication, a shared Mosquitto) leave it empty.
        """
        path = settings.bridge_option("password_file")
        if not path:
            return False
        # sudo: accounts of every device, whoever triggered the sync.
        devices = self.sudo().with_context(active_test=False).search([("mqtt_username", "!=", False)])
        accounts = {d.mqtt_username: d.mqtt_password_hash for d in devices if d.active and d.mqtt_password_hash}
        managed = set(devices.mapped("mqtt_username"))
        try:
            with open(path, encoding="utf-8") as handle:
                current = handle.read()
        except FileNotFoundError:
            current = ""
        updated = mosquitto.merge_password_file(current, accounts, managed)
        if updated != current:
            # Rewritten in place (not replaced) so the broker user keeps owning the file.
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(updated)
            self._reload_broker()
        return True

    @api.model
    def _reload_broker(self):
        pid_file = settings.bridge_option("broker_pid_file")
        if not pid_file:
            return
        try:
            with open(pid_file) as handle:
                os.kill(int(handle.read().strip()), signal.SIGHUP)
        except (OSError, ValueError) as exc:
            _logger.warning("could not signal the broker to reload its accounts (%s): %s", pid_file, exc)
