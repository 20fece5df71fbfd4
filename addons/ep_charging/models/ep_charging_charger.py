from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..lib.charger_events import parse_event

MODELS = [("YKC", "YKC"), ("YD", "YD (third party)")]


class EpChargingCharger(models.Model):
    """A charging pile (充电桩, seed 004 §4) of a station, with its guns. It is a device of the bridge
    (kind *charger*, site code = the station number, code = the pile code): the actions below
    queue MQTT commands — push the pile or gun QR codes to its screen, restart, sync its clock."""

    _name = "ep.charging.charger"
    _description = "Charger"
    _inherits = {"ep.device": "device_id"}
    _order = "station_id, code"

    device_id = fields.Many2one("ep.device", required=True, ondelete="restrict", auto_join=True)
    station_id = fields.Many2one("ep.charging.station", required=True, index=True, ondelete="restrict")
    lot_id = fields.Many2one(related="station_id.lot_id", store=True, readonly=True)
    region_id = fields.Many2one(related="station_id.region_id", store=True, readonly=True)
    currency_id = fields.Many2one(related="station_id.currency_id", readonly=True)
    model = fields.Selection(MODELS, string="Device Model", required=True, default="YKC")
    current_type = fields.Selection([("ac", "AC"), ("dc", "DC")], required=True, default="ac")
    power_kw = fields.Float(string="Power (kW)", digits=(8, 1))
    min_balance = fields.Monetary(string="Minimum Balance to Start", default=2,
                                  help="An account holding less cannot start a charge.")
    operating = fields.Boolean(string="Enabled", default=True, track_visibility="onchange",
                               help="Remote enable or disable (运营状态).")
    usage = fields.Selection([("public", "Public"), ("private", "Private")], string="Pile Use", required=True,
                             default="public")
    has_screen = fields.Boolean(default=True, help="Piles without a screen get a printed QR code.")
    space_number = fields.Char()
    space_name = fields.Char()
    connector_ids = fields.One2many("ep.charging.connector", "charger_id", string="Guns")

    @api.model
    def create(self, vals):
        station = self.env["ep.charging.station"].browse(vals.get("station_id"))
        code = (vals.get("code") or "").strip()
        if not station or not code:
            raise ValidationError(_("A charger needs its station and its code."))
        vals = dict(vals, code=code, site_code=station.code, kind="charger", name=vals.get("name") or code,
                    vendor=vals.get("vendor") or vals.get("model") or "YKC")
        if self.env["ep.device"].search_count([("kind", "=", "charger"), ("code", "=", code)]):
            raise ValidationError(_("The charger code %s is already used.") % code)
        charger = super().create(vals)
        if not charger.connector_ids:
            self.env["ep.charging.connector"].create({"charger_id": charger.id, "number": 1})
        return charger

    @api.constrains("code", "model")
    def _check_code(self):
        for charger in self:
            if not charger.code.upper().startswith(charger.model):
                raise ValidationError(_("A %(model)s charger's code starts with %(model)s.") % {"model": charger.model})
            if self.search_count([("code", "=", charger.code), ("id", "!=", charger.id)]):
                raise ValidationError(_("The charger code %s is already used.") % charger.code)

    @api.constrains("min_balance")
    def _check_min_balance(self):
        if any(charger.min_balance < 0 for charger in self):
            raise ValidationError(_("The minimum balance must not be negative."))

    @api.multi
    def unlink(self):
        devices = self.mapped("device_id")
        self.mapped("connector_ids").unlink()
        result = super().unlink()
        devices.unlink()  # the bridge forgets the pile too (deleting cannot be undone: confirmed in the view)
        return result

    # ------------------------------------------------------------ events from the charger
    @api.model
    def _handle_charger_event(self, event):
        """One charger event: checked (lib/charger_events.py), then given to the order it is about."""
        charger = self.search([("device_id", "=", event.device_id.id)], limit=1) if event.device_id else None
        if not charger:
            raise UserError(_("Event from %(site)s/%(device)s: no charger with this code.")
                            % {"site": event.site_code, "device": event.device_code})
        data = parse_event(event.event_type, event.body())
        gun = charger.connector_ids.filtered(lambda c: c.number == data["gun"])
        if not gun:
            raise UserError(_("The charger %(charger)s has no gun %(gun)s.") % {"charger": charger.code,
                                                                              "gun": data["gun"]})
        when = event.device_ts or event.received_at
        handlers = {
            "status": lambda: gun.write({"state": data["state"]}),
            "session_started": lambda: self.env["ep.charging.order"]._on_session_started(charger, gun, data, when),
            "meter": lambda: self.env["ep.charging.order"]._on_meter(charger, gun, data, when),
            "session_stopped": lambda: self.env["ep.charging.order"]._on_session_stopped(charger, gun, data, when),
            "space_occupied": lambda: self.env["ep.charging.occupancy"]._on_space_occupied(charger, gun, data, when),
            "space_freed": lambda: self.env["ep.charging.occupancy"]._on_space_freed(charger, gun, data, when),
        }
        return handlers[event.event_type]()

    # ------------------------------------------------------------ commands (4.3 设备参数解析)
    def _send(self, command, args=None):
        Command = self.env["ep.device.command"]
        for charger in self:
            Command.send(charger.device_id, command, args or {}, origin=charger)
        return True

    def _check_screen(self):
        without = self.filtered(lambda charger: not charger.has_screen)
        if without:
            raise UserError(_("The charger %s has no screen: print its QR code instead.") % without[0].code)

    @api.multi
    def action_push_pile_qr(self):
        self._check_screen()
        for charger in self:
            charger._send("show_qr", {"qr": charger.connector_ids[:1]._get_qr_url(), "target": "pile"})
        return True

    @api.multi
    def action_push_gun_qr(self):
        self._check_screen()
        for charger in self:
            charger._send("show_qr", {"target": "guns", "guns": [
                {"gun": gun.number, "qr": gun._get_qr_url()} for gun in charger.connector_ids]})
        return True

    @api.multi
    def action_download_qr(self):
        """The QR code to print and stick on a pile without a screen (二维码下载)."""
        self.ensure_one()
        return {"type": "ir.actions.act_url", "url": "/ep/charging/charger/%s/qr.png" % self.id, "target": "new"}

    @api.multi
    def action_restart(self):
        return self._send("restart")

    @api.multi
    def action_sync_time(self):
        return self._send("sync_time", {"now": fields.Datetime.now()})

    @api.multi
    def action_set_operating(self):
        """Push the enabled / disabled state (运营状态) to the piles."""
        for charger in self:
            charger._send("set_operating", {"enabled": charger.operating})
        return True

    @api.multi
    def write(self, vals):
        result = super().write(vals)
        if "operating" in vals:
            self.action_set_operating()
        return result
