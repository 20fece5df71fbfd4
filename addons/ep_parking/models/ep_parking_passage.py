from odoo import api, fields, models

from ..lib import vendor_api


class EpParkingPassage(models.Model):
    """An entry or exit record reported by the lot's vendor (seed 000 §2.2.1, §2.2.2).

    Idempotent on the vendor's event id per lot. An exit closes the open entry of the
    same plate at the same lot; an exit without one is kept and flagged.
    """

    _name = "ep.parking.passage"
    _description = "Passage Record"
    _inherit = ["ep.parking.plate.mixin", "ep.parking.vendor.report.mixin"]
    _order = "passage_time desc, id desc"
    _rec_name = "plate"

    direction = fields.Selection([("in", "Entry"), ("out", "Exit")], required=True, index=True)
    passage_time = fields.Datetime(string="Time", required=True, index=True)
    vehicle_kind = fields.Selection(
        [("month", "Month Card"), ("temp", "Temporary")], required=True, default="temp")
    entry_id = fields.Many2one("ep.parking.passage", index=True, ondelete="set null")
    exit_id = fields.Many2one("ep.parking.passage", index=True, ondelete="set null")
    entry_time = fields.Datetime(related="entry_id.passage_time", readonly=True)
    state = fields.Selection(
        [("in_lot", "In Lot"), ("left", "Left"), ("exit", "Exit"), ("unmatched", "Exit Without Entry")],
        compute="_compute_state", store=True, index=True,
    )
    duration_minutes = fields.Integer(compute="_compute_duration", store=True, group_operator="avg")
    currency_id = fields.Many2one(related="lot_id.currency_id", readonly=True)
    amount_due = fields.Monetary(string="Due")
    amount_paid = fields.Monetary(string="Paid")
    paid_online = fields.Boolean(help="The fee was paid through an online order.")
    order_ref = fields.Char(string="Order", help="The online order that paid the fee.")
    payment_kind = fields.Selection(
        [("online", "Paid Online"), ("offline", "Paid Otherwise")], compute="_compute_payment_kind", store=True,
        help="Exits with a fee: green when paid online, yellow otherwise (§2.2.2).",
    )
    photo_name = fields.Char(compute="_compute_photo_name")
    passage_count = fields.Integer(string="Passages", default=1, group_operator="sum",
                                   help="Always 1: sums to counts in pivots and graphs.")

    _sql_constraints = [
        ("event_uniq", "unique(lot_id, event_ref)", "A vendor event is recorded once per lot."),
    ]

    @api.depends("direction", "exit_id", "entry_id")
    def _compute_state(self):
        for passage in self:
            if passage.direction == "in":
                passage.state = "left" if passage.exit_id else "in_lot"
            else:
                passage.state = "exit" if passage.entry_id else "unmatched"

    @api.depends("passage_time", "entry_id.passage_time", "exit_id.passage_time")
    def _compute_duration(self):
        for passage in self:
            start, end = (passage.entry_id.passage_time, passage.passage_time) if passage.direction == "out" \
                else (passage.passage_time, passage.exit_id.passage_time)
            if start and end:
                delta = fields.Datetime.from_string(end) - fields.Datetime.from_string(start)
                passage.duration_minutes = max(int(delta.total_seconds() // 60), 0)
            else:
                passage.duration_minutes = 0

    @api.depends("direction", "amount_paid", "amount_due", "paid_online")
    def _compute_payment_kind(self):
        for passage in self:
            if passage.direction == "out" and (passage.amount_paid or passage.amount_due):
                passage.payment_kind = "online" if passage.paid_online else "offline"
            else:
                passage.payment_kind = False

    def _compute_photo_name(self):
        for passage in self:
            passage.photo_name = "%s-%s-%s.jpg" % (passage.lot_id.code, passage.plate, passage.id)

    @api.model_cr
    def init(self):
        # One row per car and lot, written by every passage of that car (see _serialize_plate).
        self.env.cr.execute("""CREATE TABLE IF NOT EXISTS ep_parking_passage_plate (
                                   lot_id integer NOT NULL REFERENCES ep_parking_lot (id) ON DELETE CASCADE,
                                   plate varchar NOT NULL,
                                   passages integer NOT NULL DEFAULT 1,
                                   PRIMARY KEY (lot_id, plate))""")

    # ------------------------------------------------------------ matching
    @api.model
    def create(self, vals):
        vals = self._normalize_plate_vals(vals)
        if vals.get("lot_id") and vals.get("plate"):
            self._serialize_plate(vals["lot_id"], vals["plate"])
        passage = super().create(vals)
        passage._match()
        if passage.direction == "out" and passage.entry_id:
            self.env["ep.parking.order"]._on_exit(passage)
        return passage

    def _match(self):
        """Pair exits with their open entries (an entry reported late pairs with its exit)."""
        for passage in self:
            if passage.direction == "out" and not passage.entry_id:
                entry = self.search([
                    ("lot_id", "=", passage.lot_id.id), ("plate", "=", passage.plate), ("direction", "=", "in"),
                    ("exit_id", "=", False), ("passage_time", "<=", passage.passage_time), ("id", "!=", passage.id),
                ], order="passage_time desc, id desc", limit=1)
                if entry and entry._lock_unmatched("exit_id"):
                    passage.entry_id = entry
                    entry.exit_id = passage
            elif passage.direction == "in" and not passage.exit_id:
                # the first unmatched exit after it, before any later entry of the same car
                later_entry = self.search([
                    ("lot_id", "=", passage.lot_id.id), ("plate", "=", passage.plate), ("direction", "=", "in"),
                    ("passage_time", ">", passage.passage_time)], order="passage_time", limit=1)
                domain = [
                    ("lot_id", "=", passage.lot_id.id), ("plate", "=", passage.plate), ("direction", "=", "out"),
                    ("entry_id", "=", False), ("passage_time", ">=", passage.passage_time)]
                if later_entry:
                    domain.append(("passage_time", "<", later_entry.passage_time))
                exit_ = self.search(domain, order="passage_time", limit=1)
                if exit_ and exit_._lock_unmatched("entry_id"):
                    passage.exit_id = exit_
                    exit_.entry_id = passage

    @api.model
    def _serialize_plate(self, lot_id, plate):
        """Make concurrent transactions recording passages of one car at one lot conflict.

        Under Odoo's REPEATABLE READ, an entry and its exit recorded at once (one over HTTP, one
        through a bridge, or the same event twice) would not see each other: both stay unmatched,
        or the second insert of one event fails instead of finding the first. Both write this row,
        so the later one fails to serialise once the first commits and is retried (by the request
        layer, or by the bridge) with a snapshot that holds the first — expected, so not logged."""
        self.env.cr.execute(
            """INSERT INTO ep_parking_passage_plate (lot_id, plate) VALUES (%s, %s)
               ON CONFLICT (lot_id, plate) DO UPDATE SET passages = ep_parking_passage_plate.passages + 1""",
            [lot_id, plate], log_exceptions=False)

    def _lock_unmatched(self, field):
        """Lock this passage's row and tell whether its ``field`` is still empty: two exits of one car
        reported at once pair with the entry once — the second waits here, then fails to serialise
        and is retried (expected, so not logged as an error), and finds the entry taken."""
        self.ensure_one()
        self.env.cr.execute("SELECT id FROM ep_parking_passage WHERE id = %s FOR UPDATE", [self.id],
                            log_exceptions=False)
        self.invalidate_cache([field], self.ids)
        return not self[field]

    # ------------------------------------------------------------ ingestion
    @api.model
    def _prepare_vendor_vals(self, lot, values):
        return {
            "plate": values["plate"], "direction": values["direction"],
            "passage_time": fields.Datetime.to_string(values["time"]), "vehicle_kind": values["vehicle_kind"],
            "amount_due": float(values.get("amount_due") or 0), "amount_paid": float(values.get("amount_paid") or 0),
            "paid_online": values.get("paid_online", False), "order_ref": values.get("order_ref"),
        }

    # ------------------------------------------------------------ MQTT handlers
    @api.model
    def _handle_entry_event(self, event):
        self._ingest_event(event, vendor_api.parse_passage, direction="in")

    @api.model
    def _handle_exit_event(self, event):
        self._ingest_event(event, vendor_api.parse_passage, direction="out")
