import json
from decimal import Decimal

from lxml import etree

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib.xlsx import MAX_SHEET_ROWS, xlsx_bytes
from ..models.ep_parking_tariff import to_lot_time

READ_BATCH = 1000


class EpParkingXlsxExport(models.TransientModel):
    """An xlsx export of a back-office list (筛选结果支持导出, e.g. seed 000 §2.4.1 4): the columns
    of the model's list view, the rows of the records chosen or of the list's current filter.

    The "Export to Excel" actions of a list (server actions bound to its model) make one and
    send the browser to ``/ep/export/xlsx/<id>``. Records are read as the user who asked, so
    record rules (regions) apply; an export is theirs alone (transient: owner only)."""

    _name = "ep.parking.xlsx.export"
    _description = "Spreadsheet Export"

    model_name = fields.Char(required=True)
    record_ids = fields.Text(help="JSON list of ids, when records were chosen.")
    domain = fields.Text(help="JSON domain, when the list's filter is exported.")

    @api.model
    def _action_export(self, records, use_filter=False):
        """The action downloading ``records`` (or, with ``use_filter``, everything the list shows)."""
        values = {"model_name": records._name}
        if use_filter:
            values["domain"] = json.dumps(self.env.context.get("active_domain") or [])
        else:
            if not records:
                raise UserError(_("Choose the records to export."))
            values["record_ids"] = json.dumps(records.ids)
        export = self.create(values)
        return {"type": "ir.actions.act_url", "url": "/ep/export/xlsx/%s" % export.id, "target": "self"}

    def _get_columns(self):
        """``[(field name, label)]`` of the visible columns of the model's list view."""
        Model = self.env[self.model_name]
        view = Model.fields_view_get(view_type="tree")
        columns = []
        for node in etree.fromstring(view["arch"]).findall("field"):
            modifiers = json.loads(node.get("modifiers") or "{}")
            if modifiers.get("invisible") is True or modifiers.get("column_invisible") is True:
                continue
            field = Model._fields.get(node.get("name"))
            if field is None or field.type == "binary":
                continue
            label = node.get("string") or view["fields"].get(field.name, {}).get("string") or field.string
            columns.append((field.name, label))
        return columns

    def _get_records(self):
        Model = self.env[self.model_name]
        if self.record_ids:
            records = Model.browse(json.loads(self.record_ids)).exists()
        else:
            records = Model.search(json.loads(self.domain or "[]"))
        if len(records) >= MAX_SHEET_ROWS:
            raise UserError(_("%(count)s records do not fit in one sheet: filter the list first.")
                            % {"count": len(records)})
        records.check_access_rights("read")
        records.check_access_rule("read")
        return records

    def _cell(self, record, name):
        field = record._fields[name]
        value = record[name]
        if field.type == "many2one":
            return value.display_name or None
        if field.type in ("one2many", "many2many"):
            return ", ".join(value.mapped("display_name"))
        if field.type == "selection":
            return dict(field._description_selection(self.env)).get(value) if value else None
        if field.type == "datetime":
            return to_lot_time(value) if value else None
        if field.type == "date":
            return fields.Date.from_string(value) if value else None
        if field.type == "monetary":
            return Decimal(str(value or 0)).quantize(Decimal("0.01"))
        return value

    def _rows(self, records, names):
        for start in range(0, len(records), READ_BATCH):
            chunk = records[start:start + READ_BATCH]
            for record in chunk:
                yield [self._cell(record, name) for name in names]
            chunk.invalidate_cache()  # flat memory on big exports

    def _get_file(self):
        """``(filename, xlsx bytes)``."""
        self.ensure_one()
        columns = self._get_columns()
        records = self._get_records()
        title = self.env["ir.model"]._get(self.model_name).name or self.model_name
        data = xlsx_bytes([label for _name, label in columns], self._rows(records, [n for n, _label in columns]),
                          sheet_name=title)
        stamp = to_lot_time(fields.Datetime.now()).strftime("%Y%m%d-%H%M")
        return "%s-%s.xlsx" % (title, stamp), data
