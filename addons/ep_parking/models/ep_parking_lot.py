import re
from html import escape

from odoo import _, api, fields, models
from odoo.addons.ep_device_bridge.lib.protocol import check_code
from odoo.exceptions import UserError, ValidationError

LOT_STATES = [
    ("planning", "Planning"),
    ("building", "Building"),
    ("operating", "Operating"),
    ("exited", "Exited"),
]
# Seed 000 §2.1.3 状态: a lot moves forward as the project goes; a building lot can be put
# back to planning (survey cancelled); any lot can leave operations.
STATE_TRANSITIONS = {
    ("planning", "building"), ("building", "planning"), ("building", "operating"),
    ("planning", "exited"), ("building", "exited"), ("operating", "exited"),
}
MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class EpParkingLot(models.Model):
    _name = "ep.parking.lot"
    _description = "Parking Lot"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "name"

    # -- identity and place in the tree (seed 000 §2.1.1-2.1.3)
    name = fields.Char(required=True, track_visibility="onchange")
    code = fields.Char(
        string="Lot ID", required=True, index=True, track_visibility="onchange",
        help="Unique lot ID; also the site level of the lot's devices in MQTT topics.",
    )
    active = fields.Boolean(default=True, track_visibility="onchange")
    region_id = fields.Many2one(
        "ep.parking.region", string="Division", required=True, index=True, ondelete="restrict",
        domain=[("kind", "=", "division")], track_visibility="onchange",
    )
    company_id = fields.Many2one(related="region_id.company_id", store=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id", readonly=True)
    ops_region_id = fields.Many2one(
        "ep.parking.ops.region", index=True, ondelete="set null",
        track_visibility="onchange",
    )
    lot_type = fields.Selection(
        [("group", "Group Lot"), ("external", "External Lot")], string="Type",
        default="group", track_visibility="onchange",
    )
    state = fields.Selection(
        LOT_STATES, required=True, default="planning", copy=False, index=True,
        track_visibility="onchange", group_expand="_expand_states",
    )
    # -- vendors and equipment
    vendor_cloud_id = fields.Many2one(
        "ep.parking.vendor", string="Cloud Vendor", domain=[("kind", "=", "cloud")], track_visibility="onchange")
    vendor_local_id = fields.Many2one(
        "ep.parking.vendor", string="Local Vendor", domain=[("kind", "=", "local")], track_visibility="onchange")
    renovation_month = fields.Char(help="Month of the renovation, YYYY-MM.", track_visibility="onchange")
    gate_count = fields.Integer(string="Gates", track_visibility="onchange")
    device_set_count = fields.Integer(string="Device Sets", track_visibility="onchange")
    space_count = fields.Integer(string="Spaces", track_visibility="onchange")
    month_card_max = fields.Integer(string="Max Month Cards", track_visibility="onchange")
    admin_user_id = fields.Many2one("res.users", string="Lot Administrator", track_visibility="onchange")
    maintainer_user_id = fields.Many2one("res.users", string="Maintainer", track_visibility="onchange")
    device_ids = fields.One2many("ep.device", "lot_id", string="Devices")
    device_count = fields.Integer(compute="_compute_device_counts")
    gate_device_count = fields.Integer(compute="_compute_device_counts")
    online = fields.Boolean(
        compute="_compute_online", store=True,
        help="At least one device of the lot is online (the red star of §2.1.3).",
    )
    # -- address
    province = fields.Char(track_visibility="onchange")
    city = fields.Char(track_visibility="onchange")
    district = fields.Char(track_visibility="onchange")
    street = fields.Char(string="Address", track_visibility="onchange")
    latitude = fields.Float(digits=(10, 6), track_visibility="onchange")
    longitude = fields.Float(digits=(10, 6), track_visibility="onchange")
    # -- external references
    community_uuid = fields.Char(string="Community UUID", track_visibility="onchange")
    merchant_uuid = fields.Char(string="Merchant UUID", track_visibility="onchange")
    eas_code = fields.Char(string="EAS Code", track_visibility="onchange")
    # -- payment and operations settings
    cross_month_renewal = fields.Boolean(
        track_visibility="onchange",
        help="Month cards renew across months (a paid month runs to the same day next month); "
             "otherwise by natural month, the first one charged by days.",
    )
    scan_to_pay = fields.Boolean(
        string="Scan to Pay", default=True, track_visibility="onchange",
        help="Others may scan the lot's QR codes to pay a car's parking fee.",
    )
    payment_method_ids = fields.Many2many("ep.parking.payment.method", string="Payment Methods")
    online_payment = fields.Boolean(
        default=True, track_visibility="onchange",
        help="Owners may pay online (§2.3.8 B b); off: only channels paid at the lot are accepted.")
    share_deposit = fields.Monetary(string="Paid Sharing Deposit", default=50.0,
                                    help="What a car pays to rent a shared space; refunded when it stops (§2.6.2).")
    reservation_entry = fields.Boolean(string="Paid Reservation Entry",
                                       help="Outside cars reserve and pay before they may enter (§2.6.3).")
    reservation_fee = fields.Monetary(default=5.0,
                                      help="Fixed fee of a paid reservation entry, on top of the prepaid parking fee.")
    grace_minutes = fields.Integer(
        string="Exit Grace (min)", default=10, track_visibility="onchange",
        help="After paying, a car leaves within this time without paying more; later it pays the difference.")
    full_deduction = fields.Boolean(
        string="Deduction Balance Accepted", track_visibility="onchange",
        help="Owners may pay month cards and temporary parking in full from their deduction balance (§2.3.11).")
    analytic_account_id = fields.Many2one(
        "account.analytic.account", readonly=True, copy=False,
        help="Parking revenue of this lot is tagged with it; created with the first posted receipt.")
    reservation_review = fields.Selection(
        [("system", "System Review"), ("manual", "Manual Review")], required=True, default="system",
        track_visibility="onchange",
        help="System: only month-card holders may book, approved at once. Manual: anyone books, staff review.",
    )
    force_lock = fields.Boolean(
        readonly=True, copy=False, track_visibility="onchange",
        help="Every car entering is locked (space locks and month cards follow the lot).",
    )
    tariff_ids = fields.One2many("ep.parking.tariff", "lot_id", string="Temporary Tariffs")
    note_ids = fields.One2many("ep.parking.lot.note", "lot_id", string="Notes")
    document_ids = fields.One2many("ep.parking.document", "lot_id", string="Documents")
    document_count = fields.Integer(compute="_compute_document_count")
    # -- rollout checklist (§2.8.1 停车场进度)
    checklist_done = fields.Integer(compute="_compute_checklist")
    checklist_total = fields.Integer(compute="_compute_checklist")
    checklist_html = fields.Html(compute="_compute_checklist", string="Checklist")
    user_ids = fields.Many2many(
        "res.users", "ep_parking_lot_res_users_rel", "lot_id", "user_id", string="Staff",
        help="Staff allowed on this lot besides those of its regions.",
    )

    _sql_constraints = [("code_uniq", "unique(code)", "A lot ID must be unique.")]

    # ------------------------------------------------------------ computes
    @api.model
    def _expand_states(self, states, domain, order):
        return [key for key, _label in LOT_STATES]

    @api.depends("device_ids.online", "device_ids.active")
    def _compute_online(self):
        for lot in self:
            lot.online = any(lot.device_ids.mapped("online"))

    def _compute_device_counts(self):
        for lot in self:
            lot.device_count = len(lot.device_ids)
            lot.gate_device_count = len(lot.device_ids.filtered(lambda d: d.kind == "gate"))

    @api.depends("document_ids")
    def _compute_document_count(self):
        for lot in self:
            lot.document_count = len(lot.document_ids)

    def _get_checklist(self):
        """[(label, done)] the rollout team ticks before a lot goes live (§2.8.1)."""
        self.ensure_one()
        kinds = self.device_ids.filtered("active").mapped("kind")
        gates = kinds.count("gate")
        return [
            (_("Address and coordinates"), bool(self.street and self.latitude and self.longitude)),
            (_("Vendor chosen"), bool(self.vendor_cloud_id or self.vendor_local_id)),
            (_("Gates registered (%(got)s of %(want)s)") % {"got": gates, "want": self.gate_count},
             bool(self.gate_count) and gates >= self.gate_count),
            (_("Local server or toll PC"), "local_server" in kinds or "toll_pc" in kinds),
            (_("Recognition cameras"), "recognition_camera" in kinds),
            (_("Acceptance form on file"), any(
                doc.doc_type == "acceptance" and doc.state == "active" for doc in self.document_ids)),
        ]

    @api.depends("street", "latitude", "longitude", "vendor_cloud_id", "vendor_local_id", "gate_count",
                 "device_ids.kind", "device_ids.active", "document_ids.doc_type", "document_ids.state")
    def _compute_checklist(self):
        for lot in self:
            items = lot._get_checklist()
            lot.checklist_total = len(items)
            lot.checklist_done = sum(1 for _label, done in items if done)
            lot.checklist_html = "<ul class='list-unstyled'>%s</ul>" % "".join(
                "<li><i class='fa %s'/> %s</li>" % ("fa-check-square-o text-success" if done else "fa-square-o",
                                                    escape(label))
                for label, done in items)

    # ------------------------------------------------------------ constraints
    @api.constrains("code")
    def _check_code(self):
        for lot in self:
            try:
                check_code(lot.code, _("lot ID"))
            except ValueError as exc:
                raise ValidationError(str(exc)) from exc

    @api.constrains("renovation_month")
    def _check_renovation_month(self):
        for lot in self:
            if lot.renovation_month and not MONTH_RE.match(lot.renovation_month):
                raise ValidationError(_("The renovation month is written YYYY-MM, e.g. 2018-09."))

    @api.constrains("gate_count", "device_set_count", "space_count", "month_card_max")
    def _check_counts(self):
        for lot in self:
            if min(lot.gate_count, lot.device_set_count, lot.space_count, lot.month_card_max) < 0:
                raise ValidationError(_("Counts of gates, devices, spaces and month cards cannot be negative."))

    @api.constrains("latitude", "longitude")
    def _check_coordinates(self):
        for lot in self:
            if not (-90 <= lot.latitude <= 90 and -180 <= lot.longitude <= 180):
                raise ValidationError(_("Coordinates out of range: latitude -90..90, longitude -180..180."))

    @api.constrains("region_id")
    def _check_region_kind(self):
        for lot in self:
            if lot.region_id.kind != "division":
                raise ValidationError(_("A lot hangs below a division, not below %s.") % lot.region_id.complete_name)

    # ------------------------------------------------------------ CRUD
    @api.model
    def create(self, vals):
        lot = super().create(vals)
        # Devices registered before their lot (same site code) join it now.
        orphans = self.env["ep.device"].search([("site_code", "=", lot.code), ("lot_id", "=", False)])
        if orphans:
            orphans.write({"lot_id": lot.id})
        return lot

    @api.multi
    def write(self, vals):
        if vals.get("ops_region_id"):
            self._check_ops_region_free(vals["ops_region_id"])
        if "state" in vals:
            self._check_state_change(vals["state"])
        old_codes = {lot.id: lot.code for lot in self} if "code" in vals else {}
        result = super().write(vals)
        if "user_ids" in vals:
            self.env["ir.rule"].clear_caches()  # the region rules read the staff of each lot
        if old_codes:
            for lot in self:
                if lot.code != old_codes[lot.id] and lot.device_ids:
                    lot.device_ids.write({"site_code": lot.code})
        return result

    def _check_ops_region_free(self, ops_region_id):
        """§2.1.3 C: a lot belongs to one ops region; moving it is agreed with the other region first."""
        taken = self.filtered(lambda lot: lot.ops_region_id and lot.ops_region_id.id != ops_region_id)
        if taken:
            raise ValidationError(
                _("Lot %(lot)s already belongs to the ops region %(region)s. Ask that region to release it first.")
                % {"lot": taken[0].name, "region": taken[0].ops_region_id.name})

    def _check_state_change(self, new_state):
        labels = dict(LOT_STATES)
        for lot in self:
            if lot.state == new_state:
                continue
            if (lot.state, new_state) not in STATE_TRANSITIONS:
                raise UserError(_("A lot cannot go from %(old)s to %(new)s.")
                                % {"old": labels[lot.state], "new": labels[new_state]})
            missing = lot._get_missing_for_state(new_state)
            if missing:
                raise UserError(_("Lot %(lot)s cannot become %(state)s yet; missing: %(missing)s.")
                                % {"lot": lot.name, "state": labels[new_state], "missing": ", ".join(missing)})

    def _get_required_fields_for_state(self, state):
        """Fields a lot needs before it enters ``state`` (§2.1.3: building completes the information,
        operating needs accurate and complete information)."""
        if state == "building":
            return ["city", "street", "gate_count", "space_count"]
        if state == "operating":
            return ["city", "street", "gate_count", "space_count", "latitude", "longitude"]
        return []

    def _get_missing_for_state(self, state):
        self.ensure_one()
        missing = [self._fields[name].get_description(self.env)["string"]
                   for name in self._get_required_fields_for_state(state) if not self[name]]
        if state == "operating":
            if not (self.vendor_cloud_id or self.vendor_local_id):
                missing.append(_("a vendor"))
            if not self.device_ids:
                missing.append(_("registered devices"))
        return missing

    # ------------------------------------------------------------ actions
    @api.multi
    def action_start_building(self):
        return self.write({"state": "building"})

    @api.multi
    def action_back_to_planning(self):
        return self.write({"state": "planning"})

    @api.multi
    def action_start_operating(self):
        return self.write({"state": "operating"})

    @api.multi
    def action_exit(self):
        return self.write({"state": "exited"})

    @api.multi
    def action_force_lock(self):
        """§2.1.3 停车场锁车设置: lock every car that enters."""
        for lot in self:
            lot._send_lot_command("lock_mode", {"force": True})
        return self.write({"force_lock": True})

    @api.multi
    def action_release_force_lock(self):
        for lot in self:
            lot._send_lot_command("lock_mode", {"force": False})
        return self.write({"force_lock": False})

    @api.multi
    def action_unlock_all(self):
        """§2.1.3 立刻全场解锁: unlock every car in the lot now."""
        for lot in self:
            lot._send_lot_command("unlock_all", {})
            lot.message_post(body=_("Unlock of every car sent to the lot."))
        return True

    def _action_open_related(self, xmlid, field="lot_id"):
        self.ensure_one()
        action = self.env.ref(xmlid).read()[0]
        action["domain"] = [(field, "=", self.id)]
        action["context"] = {"default_%s" % field: self.id, "search_default_%s" % field: self.id}
        return action

    @api.multi
    def action_open_qr_materials(self):
        """§2.1.3 物料下载: the lot's QR codes to download or print."""
        self.ensure_one()
        return self.env["ep.parking.lot.qr"]._action_open(self)

    @api.multi
    def action_view_devices(self):
        return self._action_open_related("ep_device_bridge.ep_device_action")

    @api.multi
    def action_view_passages(self):
        return self._action_open_related("ep_parking.ep_parking_passage_action")

    @api.multi
    def action_view_list_entries(self):
        return self._action_open_related("ep_parking.ep_parking_list_entry_action")

    @api.multi
    def action_view_reservations(self):
        return self._action_open_related("ep_parking.ep_parking_reservation_action")

    @api.multi
    def action_view_orders(self):
        return self._action_open_related("ep_parking.ep_parking_order_action")

    # ------------------------------------------------------------ devices
    def _get_command_device(self):
        """The device that takes lot-wide commands: the local server, else the toll PC."""
        self.ensure_one()
        for kind in ("local_server", "toll_pc"):
            devices = self.device_ids.filtered(lambda d, k=kind: d.kind == k and d.active)
            if devices:
                return devices.sorted(lambda d: not d.online)[0]
        raise UserError(_("Lot %s has no local server or toll PC to send commands to.") % self.name)

    def _send_lot_command(self, command, args, origin=None):
        """Queue ``command`` for the lot's command device. Whoever may edit the lot may command it."""
        self.ensure_one()
        self.check_access_rights("write")
        self.check_access_rule("write")
        # sudo: the command outbox belongs to device managers; lot staff reach it through their lot only.
        return self.env["ep.device.command"].sudo().send(self._get_command_device(), command, args, origin=origin)

    def _get_tariff(self, vehicle_kind="small"):
        """The published temporary tariff of this lot for ``vehicle_kind`` (small cars by default)."""
        self.ensure_one()
        tariffs = self.tariff_ids.filtered(lambda t: t.state == "published")
        return (tariffs.filtered(lambda t: t.vehicle_kind == vehicle_kind)
                or tariffs.filtered(lambda t: t.vehicle_kind == "small"))[:1]

    # ------------------------------------------------------------ payments
    def _get_analytic_account(self):
        """The lot's analytic account (revenue by lot in accounting), created on first use."""
        self.ensure_one()
        if not self.analytic_account_id:
            # sudo: the payer of an order need not manage analytic accounts or lots.
            self.sudo().analytic_account_id = self.env["account.analytic.account"].sudo().create({
                "name": "%s %s" % (self.code or "", self.name), "code": self.code,
                "company_id": self.company_id.id or self.env.user.company_id.id,
            })
        return self.analytic_account_id

    def _check_payment_channel(self, channel, kind):
        """§2.3.8 B a/b and §2.3.11: may ``channel`` pay an order of ``kind`` at this lot?"""
        self.ensure_one()
        if channel not in self.payment_method_ids:
            raise UserError(_("The lot %(lot)s does not accept %(channel)s.")
                            % {"lot": self.name, "channel": channel.name})
        if channel.online and not self.online_payment:
            raise UserError(_("The lot %(lot)s does not take online payments; please pay at the lot.")
                            % {"lot": self.name})
        if channel.provider == "deduction" and not self.full_deduction:
            raise UserError(_("The lot %(lot)s does not accept the deduction balance.") % {"lot": self.name})
        if not channel._accepts_kind(kind):
            raise UserError(_("%(channel)s cannot pay this kind of order.") % {"channel": channel.name})

    @api.model
    def _find_by_code(self, code):
        return self.search([("code", "=", code)], limit=1) if code else self.browse()

    def _plate_has_valid_month_card(self, plate, at=None):
        """Whether ``plate`` holds a month card valid at this lot at ``at`` (now by default).

        The month-card addon answers; without it nobody holds one.
        """
        self.ensure_one()
        return False

    def _partner_has_valid_month_card(self, partner, at=None):
        """Whether ``partner`` holds a month card valid at this lot at ``at`` (now by default).

        The month-card addon answers; without it nobody holds one.
        """
        self.ensure_one()
        return False
