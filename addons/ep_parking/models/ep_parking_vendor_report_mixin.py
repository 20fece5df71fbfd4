import base64

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib import vendor_api


class EpParkingVendorReportMixin(models.AbstractModel):
    """A record a lot's vendor reports (passages, abnormal openings) over HTTP or MQTT.

    Both doors end in :meth:`_ingest_vendor`, idempotent on the vendor's event id per lot.
    Models give :meth:`_prepare_vendor_vals` for their own fields.
    """

    _name = "ep.parking.vendor.report.mixin"
    _description = "Vendor Report Mixin"

    lot_id = fields.Many2one("ep.parking.lot", required=True, index=True, ondelete="restrict")
    region_id = fields.Many2one(related="lot_id.region_id", store=True, readonly=True, index=True)
    gate_id = fields.Many2one("ep.device", index=True, ondelete="set null")
    gate_code = fields.Char()
    vendor_id = fields.Many2one("ep.parking.vendor", index=True, ondelete="set null")
    source = fields.Selection(
        [("http", "Vendor API"), ("mqtt", "MQTT"), ("manual", "Manual"), ("unplated", "Unplated QR")],
        required=True, default="manual")
    event_ref = fields.Char(string="Event ID", index=True, help="The vendor's id of the event.")
    photo = fields.Binary(attachment=True)

    @api.model
    def _prepare_vendor_vals(self, lot, values):
        raise NotImplementedError

    @api.model
    def create(self, vals):
        if vals.get("gate_code") and not vals.get("gate_id") and vals.get("lot_id"):
            lot = self.env["ep.parking.lot"].browse(vals["lot_id"])
            vals = dict(vals, gate_id=lot.device_ids.filtered(lambda d: d.code == vals["gate_code"])[:1].id)
        return super().create(vals)

    def _find_event(self, lot, event_ref):
        return self.search([("lot_id", "=", lot.id), ("event_ref", "=", event_ref)], limit=1)

    @api.model
    def _ingest_vendor(self, lot, values, source, vendor=None):
        """Store one parsed report (see lib/vendor_api.py); returns (record, created).

        A repeated event id returns the stored record untouched.
        """
        existing = self._find_event(lot, values["event_id"])
        if existing:
            return existing, False
        vals = self._prepare_vendor_vals(lot, values)
        vals.update({
            "lot_id": lot.id, "source": source, "event_ref": values["event_id"],
            "gate_code": values["gate"], "vendor_id": vendor.id if vendor else False,
        })
        if values.get("photo"):
            vals["photo"] = base64.b64encode(values["photo"])
        try:
            with self.env.cr.savepoint():
                return self.create(vals), True
        except psycopg2.IntegrityError:
            # a concurrent request stored the same event between our search and insert
            existing = self._find_event(lot, values["event_id"])
            if not existing:
                raise
            return existing, False

    # ------------------------------------------------------------ MQTT
    @api.model
    def _ingest_event(self, event, parser, **forced):
        """Handle a bridge event: lot and event id come from the envelope, the rest from the body."""
        body = event.body()
        payload = dict(body if isinstance(body, dict) else {}, lot=event.site_code, event_id=event.event_id,
                       **forced)
        payload.setdefault("gate", event.device_code)
        try:
            values = parser(payload)
        except vendor_api.PayloadError as exc:
            raise UserError(self._api_error_message(exc)) from exc
        lot = self.env["ep.parking.lot"]._find_by_code(event.site_code)
        if not lot:
            raise UserError(_("No lot with ID %s.") % event.site_code)
        return self._ingest_vendor(lot, values, "mqtt")

    # ------------------------------------------------------------ messages
    @api.model
    def _api_error_message(self, error):
        """The translated message of a lib.vendor_api.PayloadError."""
        reasons = {
            "missing": _("the field %s is required"),
            "not_text": _("the field %s must be text"),
            "too_long": _("the field %s is too long"),
            "not_choice": _("the field %s has a value that is not allowed"),
            "not_time": _("the field %s must be a time like 2024-05-01 08:30:00 or ISO 8601"),
            "not_amount": _("the field %s must be an amount of at least 0 with at most 2 decimals"),
            "bad_plate": _("the field %s is not a valid licence plate"),
            "not_base64": _("the field %s must be base64"),
            "too_big": _("the field %s is larger than 2 MB"),
            "not_jpeg": _("the field %s must be a JPEG image"),
            "not_bool": _("the field %s must be true or false"),
            "not_list": _("the field %s must be a list of device codes"),
            "not_object": _("the body must be a JSON object"),
            "bad_json": _("the body is not valid JSON"),
            "too_large": _("the body is too large"),
            "bad_token": _("missing or unknown API token"),
            "lot_not_allowed": _("this vendor does not serve lot %s"),
            "unknown_lot": _("no lot with ID %s"),
            "not_in_lot": _("the car %s is not in this lot"),
            "no_tariff": _("lot %s has no published tariff"),
            "scan_to_pay_off": _("lot %s does not take payments by QR code"),
            "payment": _("the payment notification is not valid: %s"),
        }
        template = reasons.get(error.reason, _("invalid value in %s"))
        return template % (error.field or "") if "%s" in template else template
