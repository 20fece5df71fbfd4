import base64
import binascii
import io
import logging
import re
from datetime import datetime, time

from odoo import _, api, fields, models
from odoo.addons.ep_parking.bulk import bulk_create
from odoo.addons.ep_parking.models.ep_parking_tariff import from_lot_time, monetary_to_decimal
from odoo.exceptions import UserError

from ..lib import card_import, sheet_file
from .ep_monthcard import VALID_STATES

_logger = logging.getLogger(__name__)

try:
    import xlsxwriter
except ImportError:  # pragma: no cover - external_dependencies in the manifest
    _logger.debug("xlsxwriter missing: month-card export unavailable")
    xlsxwriter = None

IMPORT_STATES = [
    ("draft", "Draft"),
    ("checked_sheet", "Sheet Checked"),
    ("checked_rows", "Rows Checked"),
    ("stored", "Stored"),
    ("pushed", "Pushed"),
]
# Creating 2000 cards: no chatter message, tracking value or follower per card.
QUIET_CONTEXT = {"tracking_disable": True, "mail_create_nolog": True, "mail_create_nosubscribe": True,
                 "mail_notrack": True}
_WHITESPACE = re.compile(rb"\s+")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_bytes(rows, sheet_name="Sheet1"):
    """The rows (title, headers, cards: see lib/card_import.py) as an xlsx file's bytes."""
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = book.add_worksheet(sheet_name[:31])
    bold = book.add_format({"bold": True})
    text = book.add_format({"num_format": "@"})
    sheet.set_column(0, len(card_import.HEADERS) - 1, 16)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if r < card_import.FIRST_DATA_ROW - 1:
                sheet.write_string(r, c, str(value), bold)
            elif isinstance(value, (int, float)) and not isinstance(value, bool) or hasattr(value, "quantize"):
                sheet.write_number(r, c, float(value))
            else:  # phones and plates stay text: no 1.38E+10 in Excel
                sheet.write_string(r, c, str(value), text)
    book.close()
    return output.getvalue()


def read_xlsx(env, data):
    """The first sheet of an xlsx (or xls) file's bytes as rows of cell values; a UserError saying
    why when the file is refused (lib/sheet_file.py: unreadable, too large, cells too far)."""
    try:
        return sheet_file.read_rows(data)
    except sheet_file.SheetError as error:
        raise UserError(env["ep.monthcard.import"]._translate_label(error.label)) from None


def decode_file(env, value):
    """The bytes of a base64 ``file`` value; its size is checked on the base64 text, before it is
    decoded (lib/sheet_file.py MAX_FILE_BYTES)."""
    value = value or b""
    size = len(value) * 3 // 4  # the decoded size, give or take the padding and line breaks
    if size > sheet_file.MAX_FILE_BYTES:
        raise UserError(env["ep.monthcard.import"]._translate_label(sheet_file.Label(
            "too_large", size=size, max=sheet_file.MAX_FILE_BYTES, max_mb=sheet_file.MAX_FILE_BYTES // 2 ** 20)))
    try:
        if isinstance(value, str):
            value = value.encode("ascii")
        return base64.b64decode(_WHITESPACE.sub(b"", value), validate=True)
    except (binascii.Error, ValueError, TypeError):  # a UnicodeEncodeError is a ValueError
        raise UserError(_("The file is not valid base64: upload it again.")) from None


class EpMonthcardImport(models.Model):
    """A month-card import (月卡导入, seed 000 §2.3.3): the cards of a lot collected on the template.

    One step after the other, each a button from the previous state, each listing what is wrong:
    整表检测 (title = the lot's name, headers, at most 2000 rows) → 行检测 (every row, see
    lib/card_import.py) → 入库 (every card created, in state created, in one go: any error and
    nothing is written) → 下发 (each card pushed to the lot's vendor). A manual-lane lot — one
    without a local server or toll PC to take commands — is done once stored (人工通道，只到入库这一步).
    """

    _name = "ep.monthcard.import"
    _description = "Month Card Import"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(compute="_compute_name")
    lot_id = fields.Many2one("ep.parking.lot", required=True, index=True, ondelete="restrict",
                             readonly=True, states={"draft": [("readonly", False)]}, track_visibility="onchange")
    file = fields.Binary(string="Spreadsheet", attachment=True, copy=False,
                         readonly=True, states={"draft": [("readonly", False)], "checked_sheet": [("readonly", False)],
                                                "checked_rows": [("readonly", False)]},
                         help="The filled template (xlsx): title row = the lot's name, then the headers and "
                              "at most 2000 cards.")
    filename = fields.Char(copy=False)
    mode = fields.Selection(
        [("new", "New Cards"), ("extend_free", "Free-Car Extension")], string="Import", required=True,
        default="new", readonly=True, states={"draft": [("readonly", False)]}, track_visibility="onchange",
        help="New cards: every row makes a card. Free-car extension (免费车导入延期, §2.3.1): rows of free cars "
             "(a rule priced 0) already holding a valid card extend it to the row's end; other rows make "
             "cards. An extension needs an approved request and a manager to store it.")
    approval_request_id = fields.Many2one(
        "ep.approval.request", string="Approval", ondelete="restrict", readonly=True,
        states={"draft": [("readonly", False)], "checked_sheet": [("readonly", False)],
                "checked_rows": [("readonly", False)]},
        domain=[("approval_state", "=", "approved")], track_visibility="onchange",
        help="The approved request (Approvals > Create Approval) an extension import is made on.")
    extended_count = fields.Integer(string="Extended", readonly=True, copy=False)
    state = fields.Selection(IMPORT_STATES, required=True, default="draft", index=True, copy=False,
                             readonly=True, track_visibility="onchange")
    manual_lane = fields.Boolean(compute="_compute_manual_lane",
                                 help="The lot has no device taking commands: the import ends once stored.")
    line_ids = fields.One2many("ep.monthcard.import.line", "import_id", string="Issues", readonly=True)
    card_ids = fields.Many2many("ep.monthcard", "ep_monthcard_import_card_rel", "import_id", "card_id",
                                string="Cards", readonly=True, copy=False)
    row_count = fields.Integer(string="Rows", readonly=True, copy=False)
    valid_count = fields.Integer(string="Valid Rows", readonly=True, copy=False)
    error_count = fields.Integer(string="Issues Found", readonly=True, copy=False)
    stored_count = fields.Integer(compute="_compute_progress", string="Stored")
    pushed_count = fields.Integer(compute="_compute_progress", string="Pushed")
    acked_count = fields.Integer(compute="_compute_progress", string="Acknowledged")
    failed_count = fields.Integer(compute="_compute_progress", string="Push Failed")
    template_file = fields.Binary(string="Template", readonly=True, copy=False, attachment=True)
    template_filename = fields.Char(readonly=True, copy=False)

    # ------------------------------------------------------------ computes
    @api.depends("lot_id.name", "filename")
    def _compute_name(self):
        for record in self:
            record.name = "%s · %s" % (record.lot_id.name or "", record.filename or _("New"))

    @api.depends("lot_id")
    def _compute_manual_lane(self):
        for record in self:
            record.manual_lane = bool(record.lot_id) and not record.lot_id.sudo()._can_take_commands()

    @api.depends("card_ids.push_state")
    def _compute_progress(self):
        for record in self:
            states = record.card_ids.mapped("push_state")
            record.stored_count = len(record.card_ids)
            record.pushed_count = sum(1 for state in states if state)
            record.acked_count = states.count("sent")
            record.failed_count = states.count("failed")

    # ------------------------------------------------------------ CRUD
    @api.model
    def create(self, vals):
        if vals.get("file"):
            decode_file(self.env, vals["file"])  # refused here if too large or not base64
        return super().create(vals)

    @api.multi
    def write(self, vals):
        if vals.get("file"):
            decode_file(self.env, vals["file"])
        if "file" in vals:
            if self.filtered(lambda r: r.state in ("stored", "pushed")):
                raise UserError(_("The cards of this import are stored: start a new import for another file."))
            # a new file is checked from the start
            vals = dict(vals, state="draft", row_count=0, valid_count=0, error_count=0,
                        line_ids=[(5, 0, 0)])
        return super().write(vals)

    # ------------------------------------------------------------ actions
    @api.multi
    def action_check_sheet(self):
        """整表检测: the title is the lot's name, the headers are the template's, 1 to 2000 rows."""
        self._check_state("draft", _("Check Sheet"))
        for record in self:
            rows = record._read_rows()
            _columns, issues = card_import.check_sheet(rows, record.lot_id.name)
            count = len(card_import.read_records(rows, _columns))
            record._finish_step("sheet", issues, "checked_sheet", {"row_count": count})
        return True

    @api.multi
    def action_check_rows(self):
        """行检测: every row against the lot's rules and cards; the valid rows are counted."""
        self._check_state("checked_sheet", _("Check Rows"))
        for record in self:
            cards, issues = record._check_all()
            record._finish_step("rows", issues, "checked_rows", {"valid_count": len(cards)})
        return True

    @api.multi
    def action_store(self):
        """入库: create every card (state created) at once; any issue found again and none is created."""
        self._check_state("checked_rows", _("Store"))
        self.env["ep.monthcard"].check_access_rights("create")
        for record in self.filtered(lambda r: r.mode == "extend_free"):
            record._check_extension_allowed()
        for record in self:
            cards, issues = record._check_all()
            if issues:
                record._finish_step("store", issues, "checked_rows", {"valid_count": len(cards)})
                continue
            extended, cards = record._extend_free_cards(cards)
            created = record._create_cards(cards)
            record.write({"state": "stored", "card_ids": [(6, 0, (created | extended).ids)], "line_ids": [(5, 0, 0)],
                          "valid_count": len(cards) + len(extended), "error_count": 0,
                          "extended_count": len(extended)})
            if record.manual_lane:
                record.message_post(body=_("%(count)s month cards stored. The lot is a manual lane: the import "
                                           "is complete.") % {"count": len(created)})
            else:
                record.message_post(body=_("%(count)s month cards stored: push them to the lot's vendor.")
                                    % {"count": len(created)})
        return True

    @api.multi
    def action_push(self):
        """下发: send every stored card to the lot's vendor (one command per card)."""
        self._check_state("stored", _("Push"))
        for record in self:
            if record.manual_lane:
                raise UserError(_("%(lot)s is a manual lane: its import is complete once stored.")
                                % {"lot": record.lot_id.name})
            cards = record.card_ids.filtered(lambda c: c.state != "cancelled")
            cards.with_context(**QUIET_CONTEXT).action_push()
            record.write({"state": "pushed"})
            record.message_post(body=_("%(count)s month cards sent to the lot's vendor.") % {"count": len(cards)})
        return True

    @api.multi
    def action_download_template(self):
        """The lot's import template: the lot's name as title, then the headers."""
        self.ensure_one()
        rows = card_import.template_rows(self.lot_id.name)
        filename = "%s.xlsx" % self.lot_id.name
        self.write({"template_file": base64.b64encode(xlsx_bytes(rows, self.lot_id.name)),
                    "template_filename": filename})
        return self._download_action("template_file", "template_filename")

    @api.multi
    def _set_card_rows(self, card_rows, filename=None):
        """Fill the file with the lot's template and ``card_rows`` (cell values in COLUMNS order): for
        demo data, tests and the bench."""
        for record in self:
            rows = card_import.template_rows(record.lot_id.name) + [list(row) for row in card_rows]
            record.write({"file": base64.b64encode(xlsx_bytes(rows, record.lot_id.name)),
                          "filename": filename or "%s.xlsx" % record.lot_id.name})
        return True

    def _download_action(self, field, filename_field):
        return {
            "type": "ir.actions.act_url", "target": "self",
            "url": "/web/content/?model=%s&id=%s&field=%s&filename_field=%s&download=true"
                   % (self._name, self.id, field, filename_field),
        }

    # ------------------------------------------------------------ steps
    def _check_state(self, state, step):
        labels = dict(IMPORT_STATES)
        for record in self:
            if record.state != state:
                raise UserError(_("%(step)s is done from the state %(from)s; this import is %(state)s.")
                                % {"step": step, "from": labels[state], "state": labels[record.state]})

    def _finish_step(self, step, issues, next_state, counts):
        """List the step's issues; without any the import moves on to ``next_state``."""
        self.ensure_one()
        vals = dict(counts, line_ids=[(5, 0, 0)] + [(0, 0, vals) for vals in self._prepare_line_vals(step, issues)],
                    error_count=len(issues))
        if not issues:
            vals["state"] = next_state
        self.write(vals)

    def _prepare_line_vals(self, step, issues):
        texts = self._get_label_texts()
        return [{"step": step, "row": issue.row, "column": issue.column or False,
                 "message": self._translate_label(issue.label, texts)} for issue in issues]

    def _read_rows(self):
        self.ensure_one()
        if not self.file:
            raise UserError(_("Upload the filled template first."))
        return read_xlsx(self.env, decode_file(self.env, self.file))

    def _check_all(self):
        """The sheet and every row, against the lot's active rules and the plates of its valid cards."""
        self.ensure_one()
        rules = self._get_rules()
        prices = {name: monetary_to_decimal(rule.price) for name, rule in rules.items()}
        return card_import.check_all(self._read_rows(), self.lot_id.name, prices, self._get_taken_plates())

    def _get_rules(self):
        """The lot's active rules by name (the first one when two share a name)."""
        self.ensure_one()
        rules = {}
        for rule in self.env["ep.monthcard.rule"].search([("lot_id", "=", self.lot_id.id), ("state", "=", "active")],
                                                         order="id"):
            rules.setdefault(rule.name, rule)
        return rules

    def _get_taken_plates(self):
        """Main and sub plates of the lot's valid cards: one query each."""
        self.ensure_one()
        # sudo: whether a plate is taken is asked across every card of the lot, as the card's own check does.
        domain = [("lot_id", "=", self.lot_id.id), ("state", "in", VALID_STATES)]
        if self.mode == "extend_free":
            domain += [("id", "not in", self._get_free_cards().ids)]
        cards = self.env["ep.monthcard"].sudo().search_read(domain, ["plate"])
        subs = self.env["ep.monthcard.plate"].sudo().search_read(
            [("lot_id", "=", self.lot_id.id), ("card_id.state", "in", VALID_STATES)], ["plate"])
        return frozenset(row["plate"] for row in cards + subs)

    # ------------------------------------------------------------ free-car extension (§2.3.1 免费车导入延期)
    def _get_free_cards(self):
        """The lot's valid cards of free cars (a rule priced 0, no sub plates), by main plate."""
        self.ensure_one()
        # sudo: as _get_taken_plates, the whole lot is looked at
        cards = self.env["ep.monthcard"].sudo().search([
            ("lot_id", "=", self.lot_id.id), ("state", "in", VALID_STATES), ("rule_id.price", "=", 0)])
        return cards.filtered(lambda card: not card.plate_ids)

    def _check_extension_allowed(self):
        """免费车走邮件审批后可以进行导入延期; 二次导入 by operations with the overwrite right (managers)."""
        self.ensure_one()
        if not self.env.user.has_group("ep_parking.group_manager"):
            raise UserError(_("Only a manager may store a free-car extension import."))
        # sudo: the request may be out of the manager's sight; only its state is read
        if self.approval_request_id.sudo().approval_state != "approved":
            raise UserError(_("A free-car extension import needs an approved request."))

    def _extend_free_cards(self, cards):
        """Extend the free cards the rows name; returns (extended cards, rows left to create)."""
        self.ensure_one()
        if self.mode != "extend_free":
            return self.env["ep.monthcard"], cards
        free = {card.plate: card for card in self._get_free_cards()}
        extended, rest = self.env["ep.monthcard"], []
        for row in cards:
            card = free.get(row.plate)
            if not card:
                rest.append(row)
                continue
            if row.rule != card.rule_id.name:
                raise UserError(_("Row %(row)s: %(plate)s is a free car of the rule %(rule)s; its row names %(other)s.")
                                % {"row": row.row, "plate": row.plate, "rule": card.rule_id.name, "other": row.rule})
            end = fields.Datetime.to_string(from_lot_time(datetime.combine(row.date_end, time(23, 59, 59))))
            if end > card.date_end:
                card.with_context(**QUIET_CONTEXT).write({"date_end": end})
                card.message_post(body=_("Validity extended to %(end)s by the free-car import %(import)s.")
                                  % {"end": card.date_end, "import": self.display_name})
            extended |= card
        return extended, rest

    def _create_cards(self, cards):
        """Create the checked cards (lib/card_import.py Card) in state created; returns them.

        One INSERT for the cards and one for their sub plates (``ep_parking/bulk.py``): the rows
        were checked by the row check just before; the cards' constraints still run, set-based."""
        self.ensure_one()
        rules = self._get_rules()
        partners = self._get_partners(cards)
        Card = self.env["ep.monthcard"].with_context(**QUIET_CONTEXT)
        created = bulk_create(Card, [
            self._prepare_card_vals(card, rules[card.rule], partners.get((card.customer, card.phone)))
            for card in cards])
        subs = [{"card_id": record.id, "plate": sub}
                for record, card in zip(created, cards, strict=True) for sub in card.sub_plates]
        if subs:
            bulk_create(self.env["ep.monthcard.plate"].with_context(**QUIET_CONTEXT), subs)
        return created

    def _prepare_card_vals(self, card, rule, partner_id):
        start = from_lot_time(datetime.combine(card.date_start, time.min))
        end = from_lot_time(datetime.combine(card.date_end, time(23, 59, 59)))
        return {
            "lot_id": self.lot_id.id, "rule_id": rule.id, "plate": card.plate, "phone": card.phone,
            "holder_name": card.customer or False, "partner_id": partner_id or False, "card_kind": card.kind,
            "spaces": card.spaces,
            "space_name": card.space_name or False, "room": card.room or False, "state": "created",
            "date_start": fields.Datetime.to_string(start), "date_end": fields.Datetime.to_string(end),
        }

    def _get_partners(self, cards):
        """The existing contacts of the holders, by (name, mobile). Unknown holders keep their name on
        the card (``holder_name``): creating 2000 contacts costs Odoo 11 more than storing the cards."""
        named = {(card.customer, card.phone) for card in cards if card.customer}
        if not named:
            return {}
        # sudo: lot staff import holders' names and mobiles without managing contacts; only these two
        # fields are read.
        found = {}
        for row in self.env["res.partner"].sudo().search_read(
                [("mobile", "in", list({phone for _name, phone in named}))], ["name", "mobile"], order="id"):
            found.setdefault((row["name"], row["mobile"]), row["id"])
        return found

    # ------------------------------------------------------------ messages
    @api.model
    def _get_label_texts(self):
        """lib/card_import.py LABELS in the user's language, by key."""
        return {
            "title": _("The title must be the lot's name %(lot)s, not %(title)s."),
            "header_missing": _("The column %(column)s is missing."),
            "header_unknown": _("Unknown column %(column)s."),
            "header_duplicate": _("The column %(column)s appears twice."),
            "no_rows": _("The sheet has no card rows."),
            "too_many_rows": _("%(count)d rows: at most %(max)d rows per import."),
            "required": _("Required."),
            "phone": _("%(value)s is not an 11-digit mobile number."),
            "plate": _("%(value)s is not a valid licence plate."),
            "validity": _("%(value)s is not a validity like 2018/5/1-2018/5/31."),
            "validity_order": _("The validity %(value)s ends before it starts."),
            "kind": _("%(value)s is not a type: 一卡多车, 子母车 or empty."),
            "kind_needed": _("Sub plates need a type (一卡多车 or 子母车)."),
            "spaces": _("%(value)s is not a whole number of spaces of at least 1."),
            "rule": _("The lot has no active rule %(value)s."),
            "amount_format": _("%(value)s is not an amount."),
            "amount": _("The amount %(value)s does not match the rule: %(expected)s (price × spaces)."),
            "duplicate_plate": _("%(plate)s is already on row %(other)d."),
            "plate_taken": _("%(plate)s already holds a valid month card of the lot."),
            "spaces_max": _("%(value)s spaces: at most %(max)d."),
            "control": _("A control character (such as NUL) is not allowed in a cell."),
            "too_long": _("Longer than %(max)d characters."),
            # lib/sheet_file.py: the file as a whole
            "empty": _("The file is empty."),
            "too_large": _("The file is %(size)s bytes: at most %(max)s bytes (%(max_mb)s MB) per import."),
            "unpacked_too_large": _("The file unpacks to more than %(max_mb)s MB: it is not a month-card "
                                    "template."),
            "too_many_sheet_rows": _("The sheet has a cell on row %(row)s: at most %(max)s rows."),
            "too_many_sheet_columns": _("The sheet has a cell beyond column %(max)s."),
            "unreadable": _("The file is not a readable spreadsheet (%(error)s)."),
            "no_sheet": _("The file has no sheet."),
        }

    @api.model
    def _translate_label(self, label, texts=None):
        texts = texts or self._get_label_texts()
        key = getattr(label, "key", None)
        return texts[key] % label.params if key in texts else str(label)
