import json
import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..lib import list_window

_logger = logging.getLogger(__name__)

LIST_ENTRY_STATES = [
    ("draft", "Draft"),
    ("in_black", "In Blacklist"),
    ("out_black", "Not in Blacklist"),
    ("in_white", "In Whitelist"),
    ("out_white", "Not in Whitelist"),
]
PUSH_OPERATIONS = [(list_window.ADD, "Add"), (list_window.REMOVE, "Remove")]
# Fields that say which plate is on which list: fixed once the entry went to the lot.
IDENTITY_FIELDS = ("lot_id", "plate", "list_type")
EXPIRING_DAYS = 3


class EpParkingListEntry(models.Model):
    """A plate on a lot's blacklist or whitelist for a validity window (seed 000 §2.2.5).

    The local server holds the real list: every change is pushed to it as a
    ``list_add``/``list_remove`` command and the entry's state follows only once the
    lot acknowledged it with result 0 (``_ep_device_command_done``).
    """

    _name = "ep.parking.list.entry"
    _description = "Black/White List Entry"
    _inherit = ["ep.parking.plate.mixin", "ep.parking.push.mixin", "mail.thread"]
    _order = "date_end desc, id desc"
    _rec_name = "plate"

    lot_id = fields.Many2one("ep.parking.lot", required=True, index=True, ondelete="restrict",
                             track_visibility="onchange")
    list_type = fields.Selection(
        [(list_window.BLACK, "Blacklist"), (list_window.WHITE, "Whitelist")], string="List", required=True,
        default=list_window.BLACK, index=True, track_visibility="onchange",
        help="Blacklisted cars are not let in; whitelisted cars may come and go (e.g. at lots closed to visitors).",
    )
    date_start = fields.Datetime(string="Valid From", required=True, default=fields.Datetime.now,
                                 track_visibility="onchange")
    date_end = fields.Datetime(string="Valid Until", required=True, index=True, track_visibility="onchange",
                               help="When the window is over the plate is put back where it was before the list.")
    note = fields.Text()
    state = fields.Selection(
        LIST_ENTRY_STATES, required=True, default="draft", readonly=True, copy=False, index=True,
        track_visibility="onchange", help="Changes only when the lot confirms a push (result 0).",
    )
    push_operation = fields.Selection(PUSH_OPERATIONS, string="Last Push", readonly=True, copy=False)
    pushed_date_start = fields.Datetime(string="Lot Holds From", readonly=True, copy=False,
                                        help="Start of the window the lot acknowledged last.")
    pushed_date_end = fields.Datetime(string="Lot Holds Until", readonly=True, copy=False,
                                      help="End of the window the lot acknowledged last.")
    window_changed = fields.Boolean(
        compute="_compute_window_changed",
        help="The window was edited after the lot took the entry: push it again.")
    month_card_warning = fields.Char(compute="_compute_month_card_warning")
    reservation_ids = fields.One2many("ep.parking.reservation", "list_entry_id", string="Reservations",
                                      readonly=True)

    # ------------------------------------------------------------ computes
    @api.depends("state", "date_start", "date_end", "pushed_date_start", "pushed_date_end")
    def _compute_window_changed(self):
        for entry in self:
            entry.window_changed = entry.state in list_window.LISTED_STATES and (
                (entry.date_start, entry.date_end) != (entry.pushed_date_start, entry.pushed_date_end))

    @api.depends("lot_id", "plate", "list_type")
    def _compute_month_card_warning(self):
        for entry in self:
            entry.month_card_warning = entry._get_month_card_warning()

    def _get_month_card_warning(self):
        """The vendor lets a month card in even when blacklisted (§2.2.5 note 2)."""
        self.ensure_one()
        if self.list_type == list_window.BLACK and self.lot_id and self.plate \
                and self.lot_id._plate_has_valid_month_card(self.plate):
            return _("%(plate)s holds a valid month card at %(lot)s: the lot lets month cards in even when "
                     "blacklisted. Cancel the month card first.") % {"plate": self.plate, "lot": self.lot_id.name}
        return False

    @api.multi
    def name_get(self):
        labels = dict(self._fields["list_type"]._description_selection(self.env))
        return [(entry.id, "%s · %s · %s" % (entry.plate, labels.get(entry.list_type, ""), entry.lot_id.code or ""))
                for entry in self]

    # ------------------------------------------------------------ constraints
    @api.constrains("date_start", "date_end")
    def _check_window(self):
        for entry in self:
            try:
                list_window.check_window(entry.date_start, entry.date_end)
            except ValueError:
                raise ValidationError(
                    _("The validity window of %s must end after it starts.") % entry.plate) from None

    @api.constrains("lot_id", "plate", "list_type", "date_start", "date_end")
    def _check_overlap(self):
        self._check_no_overlap()

    def _check_no_overlap(self, even_unlisted=False):
        """A plate is not on both lists of a lot at once, nor twice on one list at the same time.

        Entries taken off their list (not in black/whitelist) do not count, unless
        ``even_unlisted``: this entry is about to be pushed again.
        """
        for entry in self:
            if entry.state in list_window.UNLISTED_STATES and not even_unlisted:
                continue
            others = self.search([
                ("id", "!=", entry.id), ("lot_id", "=", entry.lot_id.id), ("plate", "=", entry.plate),
                ("state", "not in", list_window.UNLISTED_STATES),
                ("date_start", "<", entry.date_end), ("date_end", ">", entry.date_start),
            ])
            if not others:
                continue
            other = others[0]
            labels = dict(self._fields["list_type"]._description_selection(self.env))
            if other.list_type == entry.list_type:
                message = _("%(plate)s is already on the %(list)s of %(lot)s from %(start)s to %(end)s: "
                            "change that entry's window instead.")
            else:
                message = _("%(plate)s is on the %(list)s of %(lot)s from %(start)s to %(end)s: a plate cannot "
                            "be on both lists at the same time.")
            raise ValidationError(message % {
                "plate": entry.plate, "list": labels[other.list_type], "lot": entry.lot_id.name,
                "start": other.date_start, "end": other.date_end})

    # ------------------------------------------------------------ CRUD
    @api.multi
    def write(self, vals):
        if any(name in vals for name in IDENTITY_FIELDS):
            fixed = self.filtered(lambda e: e.state != "draft" or e.push_command_id)
            if fixed:
                raise UserError(_("%s was already pushed to the lot: its lot, plate and list cannot change. "
                                  "Remove it and create a new entry.") % fixed[0].plate)
        return super().write(vals)

    @api.multi
    def unlink(self):
        listed = self.filtered(lambda e: e.state in list_window.LISTED_STATES or e.push_state == "pending")
        if listed:
            raise UserError(_("%s is on the lot's list or a push is under way: push its removal first.")
                            % listed[0].plate)
        return super().unlink()

    # ------------------------------------------------------------ actions
    @api.multi
    def action_push_add(self):
        """下发加入黑/白名单: put the plate on the lot's list for its window."""
        self._check_can_push()
        self._check_no_overlap(even_unlisted=True)
        for entry in self:
            entry._push(list_window.ADD)
        return True

    @api.multi
    def action_push_window(self):
        """修改时间: send the edited window of a listed plate to the lot."""
        unlisted = self.filtered(lambda e: e.state not in list_window.LISTED_STATES)
        if unlisted:
            raise UserError(_("%s is not on the lot's list yet: push it to the list instead.") % unlisted[0].plate)
        return self.action_push_add()

    @api.multi
    def action_push_remove(self):
        """下发解除黑/白名单: take the plate off the lot's list."""
        self._check_can_push()
        never = self.filtered(lambda e: e.state == "draft" and not e.push_command_id)
        if never:
            raise UserError(_("%s was never pushed to the lot: there is nothing to remove.") % never[0].plate)
        for entry in self:
            entry._push(list_window.REMOVE)
        return True

    def _check_can_push(self):
        # Pushing changes the entry: only who may write it may push it.
        self.check_access_rights("write")
        self.check_access_rule("write")

    # ------------------------------------------------------------ pushing to the lot
    def _push(self, command):
        """Queue ``command`` (list_add/list_remove) for the lot's local server."""
        self.ensure_one()
        args = list_window.command_args(self.plate, self.list_type, self.date_start, self.date_end)
        # sudo: lot staff may push lists but not write the device outbox; the caller
        # checked they may write this entry, and the command only carries its data.
        sent = self.lot_id.sudo()._send_lot_command(command, args, origin=self)
        self.write(dict(self._prepare_push_sent_vals(sent), push_operation=command))
        self.message_post(body=self._push_message_body(command))
        if command == list_window.ADD:
            warning = self._get_month_card_warning()
            if warning:
                self.message_post(body=warning)
        return sent

    def _push_message_body(self, command):
        values = {"start": self.date_start, "end": self.date_end}
        if command == list_window.REMOVE:
            return _("Removal sent to the lot.")
        return _("Sent to the lot for %(start)s - %(end)s.") % values

    def _prepare_push_result_vals(self, command):
        vals = super()._prepare_push_result_vals(command)
        if vals["push_state"] != "sent":
            return vals
        vals["state"] = list_window.state_after_ack(self.list_type, command.command)
        if command.command == list_window.ADD:
            args = json.loads(command.args or "{}")
            vals.update(pushed_date_start=args.get("start"), pushed_date_end=args.get("end"))
        else:
            vals.update(pushed_date_start=False, pushed_date_end=False)
        return vals

    # ------------------------------------------------------------ cron
    @api.model
    def _get_expired_domain(self, now=None):
        return [
            ("state", "in", list_window.LISTED_STATES), ("date_end", "<=", now or fields.Datetime.now()),
            # not while a removal is on its way (set together: both empty or both set)
            "|", ("push_operation", "in", [False, list_window.ADD]), ("push_state", "in", ["sent", "failed"]),
        ]

    @api.model
    def _cron_expire(self):
        """Windows that ended: put the plates back where they were before the list.

        The removal is pushed; the state becomes "not in black/whitelist" when the lot
        acknowledges it. A failed removal is pushed again on the next run.
        """
        for entry in self.search(self._get_expired_domain()):
            try:
                entry._push(list_window.REMOVE)
            except UserError as exc:  # e.g. the lot has no local server: keep the others going
                _logger.warning("List entry %s: removal not sent: %s", entry.id, exc.name)
                entry.write({"push_state": "failed", "push_message": exc.name})
        return True
