import base64
import logging
import os
import tempfile
from datetime import datetime

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib.xlsx import write_xlsx
from .ep_parking_tariff import from_lot_time

_logger = logging.getLogger(__name__)

TYPE_CONVERTERS = {  # PostgreSQL type oids Odoo reads as text
    1114: lambda value: fields.Datetime.from_string(value) if isinstance(value, str) else value,
    1082: lambda value: fields.Date.from_string(value) if isinstance(value, str) else value,
}
EXPORT_STATES = [("queued", "Queued"), ("ready", "Ready"), ("failed", "Failed")]


class EpParkingExportFile(models.Model):
    """A data export prepared ahead (数据导出, seed 000 §2.9.3): one kind of records of one month, for
    a lot or everything under a region node (division, region, group), as an xlsx file built by a
    scheduled job and then downloaded from the list. Rows stream from a server-side cursor into
    xlsxwriter's constant-memory mode, so a million rows cost no more memory than a thousand.
    Month cards are exported on demand (their lot's *Export Month Cards*), not here."""

    _name = "ep.parking.export.file"
    _description = "Data Export"
    _order = "create_date desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    kind = fields.Selection("_get_kind_selection", required=True, readonly=True,
                            states={"queued": [("readonly", False)]})
    region_id = fields.Many2one("ep.parking.region", string="Region Node", readonly=True, index=True,
                                states={"queued": [("readonly", False)]},
                                help="A group, region or division: every lot below it.")
    lot_id = fields.Many2one("ep.parking.lot", readonly=True, index=True, states={"queued": [("readonly", False)]})
    month = fields.Date(required=True, readonly=True, states={"queued": [("readonly", False)]},
                        default=lambda self: self._default_month(), help="Any day of the month to export.")
    requested_by_id = fields.Many2one("res.users", readonly=True, index=True,
                                      default=lambda self: self.env.user,
                                      help="Whose regions bound the rows (empty: a scheduled file, every lot).")
    state = fields.Selection(EXPORT_STATES, required=True, default="queued", readonly=True, index=True)
    row_count = fields.Integer(string="Rows", readonly=True)
    generated_at = fields.Datetime(readonly=True)
    error = fields.Char(readonly=True)
    attachment_id = fields.Many2one("ir.attachment", string="File", readonly=True, ondelete="set null")
    datas = fields.Binary(related="attachment_id.datas", string="Download", readonly=True)
    datas_fname = fields.Char(related="attachment_id.datas_fname", readonly=True)

    @api.model
    def _default_month(self):
        today = fields.Date.from_string(fields.Date.context_today(self))
        return fields.Date.to_string(today.replace(day=1) - relativedelta(months=1))

    @api.model
    def _get_kind_selection(self):
        return [(key, kind["label"]) for key, kind in self._get_export_kinds().items()]

    @api.model
    def _get_export_kinds(self):
        """The kinds of export: label, column headers and the SQL of their rows. The SQL takes
        ``%(lots)s`` (a tuple of lot ids) and ``%(start)s`` / ``%(end)s`` (the month, UTC)."""
        return {
            "orders": {"label": _("Transaction Orders"), "headers": [
                _("Order No."), _("Lot"), _("Kind"), _("Plate"), _("Channel"), _("State"), _("Amount"), _("Paid At")],
                "sql": """SELECT o.name, l.name, o.kind, o.plate, m.name, o.state, o.amount, o.paid_at
                            FROM ep_parking_order o JOIN ep_parking_lot l ON l.id = o.lot_id
                            JOIN ep_parking_payment_method m ON m.id = o.channel_id
                           WHERE o.lot_id IN %(lots)s AND o.create_date >= %(start)s AND o.create_date < %(end)s
                           ORDER BY o.id"""},
            "cash_reports": {"label": _("Cash Reports"), "headers": [
                _("Reference"), _("Lot"), _("From"), _("Until"), _("Amount Handed In"), _("State")],
                "sql": """SELECT c.name, l.name, c.period_start, c.period_end, c.amount, c.state
                            FROM ep_parking_cash_report c JOIN ep_parking_lot l ON l.id = c.lot_id
                           WHERE c.lot_id IN %(lots)s AND c.period_end >= %(start)s AND c.period_end < %(end)s
                           ORDER BY c.id"""},
            "entries": {"label": _("Entries"), "headers": [_("Time"), _("Lot"), _("Plate"), _("Gate")],
                        "sql": """SELECT p.passage_time, l.name, p.plate, p.gate_code
                                    FROM ep_parking_passage p JOIN ep_parking_lot l ON l.id = p.lot_id
                                   WHERE p.direction = 'in' AND p.lot_id IN %(lots)s
                                     AND p.passage_time >= %(start)s AND p.passage_time < %(end)s
                                   ORDER BY p.passage_time, p.id"""},
            "exits": {"label": _("Exits"), "headers": [
                _("Time"), _("Lot"), _("Plate"), _("Gate"), _("Minutes"), _("Due"), _("Paid")],
                "sql": """SELECT p.passage_time, l.name, p.plate, p.gate_code, p.duration_minutes, p.amount_due,
                                 p.amount_paid
                            FROM ep_parking_passage p JOIN ep_parking_lot l ON l.id = p.lot_id
                           WHERE p.direction = 'out' AND p.lot_id IN %(lots)s
                             AND p.passage_time >= %(start)s AND p.passage_time < %(end)s
                           ORDER BY p.passage_time, p.id"""},
            "abnormal": {"label": _("Abnormal Openings"), "headers": [
                _("Time"), _("Lot"), _("Gate"), _("Kind"), _("Plate"), _("Estimated Fee Lost"), _("Reason")],
                "sql": """SELECT a.opening_time, l.name, a.gate_code, a.kind, a.plate, a.estimated_loss, a.reason
                            FROM ep_parking_abnormal_opening a JOIN ep_parking_lot l ON l.id = a.lot_id
                           WHERE a.lot_id IN %(lots)s AND a.opening_time >= %(start)s AND a.opening_time < %(end)s
                           ORDER BY a.opening_time, a.id"""},
            "offline": {"label": _("Offline Records"), "headers": [_("Checked At"), _("Lot"), _("Last Report")],
                        "sql": """SELECT r.checked_at, l.name, r.last_seen
                                    FROM ep_parking_offline_record r JOIN ep_parking_lot l ON l.id = r.lot_id
                                   WHERE r.lot_id IN %(lots)s AND r.checked_at >= %(start)s
                                     AND r.checked_at < %(end)s
                                   ORDER BY r.checked_at, r.id"""},
            "income": {"label": _("Income Report"), "headers": [
                _("Month"), _("Lot"), _("Exits"), _("Due"), _("Collected"), _("Temporary Orders"), _("Month Cards"),
                _("Other Orders"), _("Orders Received")],
                "sql": """SELECT r.month, l.name, r.exit_count, r.amount_due, r.amount_collected, r.temporary_income,
                                 r.month_card_income, r.other_income, r.amount_received
                            FROM ep_parking_report_income r JOIN ep_parking_lot l ON l.id = r.lot_id
                           WHERE r.lot_id IN %(lots)s AND r.month >= %(start)s::date
                             AND r.month < (%(end)s::timestamp + interval '8 hours')::date
                           ORDER BY r.month, l.name"""},
        }

    @api.depends("kind", "month", "region_id", "lot_id")
    def _compute_name(self):
        labels = dict(self._get_kind_selection())
        for export in self:
            scope = export.lot_id.code or export.region_id.code or _("all lots")
            export.name = "%s %s %s" % (labels.get(export.kind, export.kind or ""), scope, (export.month or "")[:7])

    # ------------------------------------------------------------ generation
    def _get_lots(self):
        """The lots of the file: its lot, or those under its region node (every lot when none),
        within what the requester may read."""
        self.ensure_one()
        Lot = self.env["ep.parking.lot"].with_context(active_test=False)
        if self.requested_by_id:
            Lot = Lot.sudo(self.requested_by_id)
        if self.lot_id:
            domain = [("id", "=", self.lot_id.id)]
        elif self.region_id:
            domain = [("region_id", "child_of", self.region_id.id)]
        else:
            domain = []
        return Lot.search(domain)

    def _get_bounds(self):
        """The month's first instant and the next month's, lot time, as UTC strings."""
        first = fields.Date.from_string(self.month).replace(day=1)
        following = first + relativedelta(months=1)
        return tuple(fields.Datetime.to_string(from_lot_time(datetime.combine(day, datetime.min.time())))
                     for day in (first, following))

    @api.multi
    def action_generate(self):
        for export in self:
            export._generate()
        return True

    def _generate(self):
        """Build the file (failures are kept on the record with their reason, the job goes on)."""
        self.ensure_one()
        kind = self._get_export_kinds()[self.kind]
        lots = self._get_lots()
        start, end = self._get_bounds()
        try:
            with self.env.cr.savepoint(), tempfile.TemporaryDirectory(prefix="ep-export-") as folder:
                path = os.path.join(folder, "export.xlsx")
                # a server-side cursor of the same transaction: the rows come in batches of 5000
                cursor = self.env.cr._cnx.cursor("ep_export_%s" % self.id)
                cursor.itersize = 5000
                try:
                    cursor.execute(kind["sql"], {"lots": tuple(lots.ids) or (0,), "start": start, "end": end})
                    count = write_xlsx(path, kind["headers"], self._typed_rows(cursor), sheet_name=kind["label"])
                finally:
                    cursor.close()
                with open(path, "rb") as handle:
                    data = base64.b64encode(handle.read())
                filename = "%s.xlsx" % self.name.replace("/", "-")
                attachment = self.env["ir.attachment"].sudo().create({
                    "name": filename, "datas_fname": filename, "datas": data, "res_model": self._name,
                    "res_id": self.id, "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
        except Exception as exc:  # noqa: BLE001 -- kept on the record for the user; the job goes on
            _logger.exception("export %s failed", self.id)
            self.write({"state": "failed", "error": str(exc)[:250], "generated_at": fields.Datetime.now()})
            return False
        self.write({"state": "ready", "attachment_id": attachment.id, "row_count": count, "error": False,
                    "generated_at": fields.Datetime.now()})
        return True

    @api.model
    def _typed_rows(self, cursor):
        """The cursor's rows with dates and timestamps as such (Odoo reads them as text), so the sheet
        writes them as dates."""
        converters = None
        for row in cursor:
            if converters is None:  # a server-side cursor describes its columns once it fetched
                converters = [TYPE_CONVERTERS.get(column.type_code) for column in cursor.description]
            yield [convert(value) if convert and value else value
                   for convert, value in zip(converters, row, strict=True)]

    @api.model
    def _cron_generate(self, limit=20):
        """The scheduled job: build the queued files, oldest first."""
        queued = self.search([("state", "=", "queued")], order="id", limit=limit)
        queued.action_generate()
        return queued

    @api.model
    def _cron_queue_month(self, today=None):
        """On the 1st: last month's files of every kind for each group (集团文件), built by the job."""
        today = fields.Date.from_string(today or fields.Date.context_today(self))
        month = fields.Date.to_string(today.replace(day=1) - relativedelta(months=1))
        groups = self.env["ep.parking.region"].search([("parent_id", "=", False)])
        queued = self.browse()
        for group in groups:
            for kind in self._get_export_kinds():
                if not self.search_count([("kind", "=", kind), ("region_id", "=", group.id), ("month", "=", month),
                                          ("requested_by_id", "=", False)]):
                    queued |= self.create({"kind": kind, "region_id": group.id, "month": month,
                                           "requested_by_id": False})
        return queued

    @api.constrains("region_id", "lot_id")
    def _check_scope(self):
        if any(export.region_id and export.lot_id for export in self):
            raise UserError(_("Export either a lot or a region node, not both."))
