import json
import logging
import traceback

import psycopg2
from psycopg2.extras import execute_values

from odoo import _, api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)


class EpDeviceEvent(models.Model):
    """An event a device reported, stored before anything acts on it.

    Unique on (site, device, event_id): a device that repeats an event (QoS 1
    redelivery, a retry of its own) is stored once. Handlers other addons register by
    event type run after the event is stored; a failing handler marks the event
    failed with its traceback and never loses it; staff can run it again.
    """

    _name = "ep.device.event"
    _description = "Device Event"
    _order = "id desc"
    _rec_name = "event_id"

    site_code = fields.Char(required=True, readonly=True, index=True)
    device_code = fields.Char(required=True, readonly=True, index=True)
    device_id = fields.Many2one("ep.device", readonly=True, index=True, ondelete="set null")
    event_id = fields.Char(string="Event ID", required=True, readonly=True)
    event_type = fields.Char(required=True, readonly=True, index=True)
    device_ts = fields.Datetime(string="Device Time", readonly=True)
    received_at = fields.Datetime(readonly=True, default=fields.Datetime.now, index=True)
    payload = fields.Text(readonly=True, help="The raw payload as received.")
    state = fields.Selection(
        [("received", "Received"), ("done", "Done"), ("failed", "Failed"), ("ignored", "No Handler")],
        required=True, default="received", readonly=True, index=True,
    )
    error = fields.Text(readonly=True)
    attempts = fields.Integer(readonly=True)
    processed_at = fields.Datetime(readonly=True)

    _sql_constraints = [
        ("event_uniq", "unique(site_code, device_code, event_id)", "An event is stored once per device."),
    ]

    # ------------------------------------------------------------ handler registry
    @api.model
    def _get_event_handlers(self):
        """{event type: (model, method name)}. Addons extend this with super()::

            def _get_event_handlers(self):
                handlers = super()._get_event_handlers()
                handlers["entry"] = ("ep.parking.passage", "_handle_entry_event")
                return handlers

        A handler receives the event record and raises to fail it.
        """
        return {"heartbeat": ("ep.device.event", "_handle_heartbeat")}

    @api.model
    def _handle_heartbeat(self, event):
        if event.device_id:
            event.device_id._set_presence(True, event.received_at)

    # ------------------------------------------------------------ ingestion
    @api.model
    def _ingest(self, rows):
        """Store a batch of decoded events; returns {id: state} of those new to the database
        ("received" when a handler awaits them, "ignored" when no addon handles the type).

        ``rows``: dicts with site_code, device_code, event_id, event_type, device_ts,
        payload. One INSERT ... ON CONFLICT DO NOTHING for the whole batch: the unique
        constraint decides which are duplicates, even across concurrent bridges.
        """
        if not rows:
            return {}
        handlers = self._get_event_handlers()
        devices = self._device_ids({(row["site_code"], row["device_code"]) for row in rows})
        now = fields.Datetime.now()
        values = [(
            row["site_code"], row["device_code"], devices.get((row["site_code"], row["device_code"])),
            row["event_id"], row["event_type"], row.get("device_ts"), now, row["payload"],
            "received" if row["event_type"] in handlers else "ignored", 0, self.env.uid, now, self.env.uid, now,
        ) for row in rows]
        execute_values(
            self.env.cr,
            """INSERT INTO ep_device_event (site_code, device_code, device_id, event_id, event_type, device_ts,
                   received_at, payload, state, attempts, create_uid, create_date, write_uid, write_date)
               VALUES %s
               ON CONFLICT (site_code, device_code, event_id) DO NOTHING
               RETURNING id, state""",
            values, page_size=len(values),
        )
        return dict(self.env.cr.fetchall())

    def _device_ids(self, keys):
        if not keys:
            return {}
        self.env.cr.execute(
            "SELECT site_code, code, id FROM ep_device WHERE (site_code, code) IN %s", (tuple(keys),))
        return {(site, code): device_id for site, code, device_id in self.env.cr.fetchall()}

    # ------------------------------------------------------------ dispatch
    @api.model
    def _claim_received(self, ids):
        """Lock those of ``ids`` still waiting for their handler that no other bridge holds.

        Two bridges may both see an event as received (one stored it, the other starts and picks up
        what is pending): only the one that claims it runs its handler. Call it first in a fresh
        transaction, so that its snapshot already holds what other bridges committed.
        """
        if not ids:
            return self.browse()
        self.env.cr.execute(
            """SELECT id FROM ep_device_event WHERE id IN %s AND state = 'received'
                ORDER BY id FOR UPDATE SKIP LOCKED""", (tuple(ids),))
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    @api.multi
    def _dispatch(self):
        """Run each event's handler in its own savepoint: one failure fails one event."""
        handlers = self._get_event_handlers()
        for event in self:
            handler = handlers.get(event.event_type)
            if not handler:
                event.write({"state": "ignored", "processed_at": fields.Datetime.now()})
                continue
            model, method = handler
            try:
                with self.env.cr.savepoint():
                    getattr(self.env[model], method)(event)
            except psycopg2.extensions.TransactionRollbackError:
                raise  # a concurrent update, not the event's fault: the whole dispatch is tried again
            except Exception:  # noqa: BLE001 - any handler error is recorded on the event, never lost
                error = traceback.format_exc()
                _logger.warning("handler %s.%s failed on event %s: %s", model, method, event.id, error)
                self.invalidate_cache()
                event.write({"state": "failed", "error": error, "attempts": event.attempts + 1,
                             "processed_at": fields.Datetime.now()})
            else:
                event.write({"state": "done", "error": False, "attempts": event.attempts + 1,
                             "processed_at": fields.Datetime.now()})

    @api.multi
    def action_rerun(self):
        """Staff: run the handler again (failed events, or done ones after a fix)."""
        wrong = self.filtered(lambda e: e.state not in ("failed", "done", "ignored"))
        if wrong:
            raise UserError(_("Only processed events can be run again."))
        self._dispatch()
        return True

    def body(self):
        self.ensure_one()
        return json.loads(self.payload or "{}")
