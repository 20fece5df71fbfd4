from odoo import api, fields, models

from ..lib import reports


class EpParkingOfflineRecord(models.Model):
    """One 5-minute check that found a lot offline (车场掉线, seed 000 §2.8.2, §2.9.2 B): none of the
    lot's devices reported within ``lib.reports.OFFLINE_MINUTES``. Today's count per lot is a
    ``read_group`` over these; each row drills down to the lot's devices and events."""

    _name = "ep.parking.offline.record"
    _description = "Lot Offline Record"
    _order = "checked_at desc, id desc"
    _rec_name = "lot_id"

    lot_id = fields.Many2one("ep.parking.lot", required=True, index=True, readonly=True, ondelete="cascade")
    region_id = fields.Many2one(related="lot_id.region_id", store=True, readonly=True)
    checked_at = fields.Datetime(required=True, index=True, readonly=True)
    last_seen = fields.Datetime(string="Last Report", readonly=True,
                                help="The latest report of any device of the lot (empty: never).")
    offline_count = fields.Integer(string="Offline Checks", default=1, readonly=True, group_operator="sum")

    @api.model
    def _cron_check_offline(self, now=None):
        """Every 5 minutes: a record for each lot with devices that went quiet. Returns the records."""
        now = now or fields.Datetime.now()
        self.env.cr.execute("""
            SELECT d.lot_id, MAX(d.last_seen)
              FROM ep_device d JOIN ep_parking_lot l ON l.id = d.lot_id
             WHERE d.active AND l.active AND d.lot_id IS NOT NULL
             GROUP BY d.lot_id""")
        seen = {lot_id: last_seen and fields.Datetime.from_string(last_seen)  # Odoo reads timestamps as text
                for lot_id, last_seen in self.env.cr.fetchall()}
        offline = reports.offline_lots(seen, fields.Datetime.from_string(now))
        records = self.browse()
        for lot_id in offline:
            records |= self.create(self._prepare_offline_vals(lot_id, seen[lot_id], now))
        return records

    @api.model
    def _prepare_offline_vals(self, lot_id, last_seen, now):
        return {"lot_id": lot_id, "last_seen": last_seen and fields.Datetime.to_string(last_seen),
                "checked_at": now}

    @api.multi
    def action_view_events(self):
        """The lot's device events around the check (实时监控)."""
        self.ensure_one()
        action = self.env.ref("ep_device_bridge.ep_device_event_action").read()[0]
        action["domain"] = [("device_id.lot_id", "=", self.lot_id.id)]
        return action
