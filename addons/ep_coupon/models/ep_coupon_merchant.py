import os
from collections import OrderedDict
from datetime import datetime, time, timedelta
from decimal import Decimal

from odoo import _, api, fields, models
from odoo.addons.ep_parking.lib.plate import is_unplated, normalize_plate
from odoo.addons.ep_parking.models.ep_parking_order import FeeQueryError
from odoo.addons.ep_parking.models.ep_parking_tariff import from_lot_time, monetary_to_decimal, to_lot_time
from odoo.exceptions import UserError, ValidationError

from ..lib.coupon import LimitExceeded, check_limit, pick_coupon

MAX_PURCHASE_COUNT = 1000
MAX_STATS_DAYS = 92


class EpCouponMerchant(models.Model):
    """A merchant paying its customers' parking with coupons (seed 000 §2.4.1 1, §2.4.2 1).

    Onboarding goes through an approval (§2.4.1: 发起审批 → 审批通过): a merchant issues
    coupons only once approved (state ``active``)."""

    _name = "ep.coupon.merchant"
    _description = "Coupon Merchant"
    _inherit = ["ep.approval.mixin"]
    _order = "name, id"

    name = fields.Char(required=True, track_visibility="onchange")
    phone = fields.Char(required=True, help="The merchant administrator's phone.")
    address = fields.Char(help="Building, floor and shop number.")
    lot_id = fields.Many2one("ep.parking.lot", required=True, index=True, ondelete="restrict")
    region_id = fields.Many2one(related="lot_id.region_id", store=True, readonly=True)
    currency_id = fields.Many2one(related="lot_id.currency_id", readonly=True)
    kind = fields.Selection([("fixed", "Fixed Amount"), ("variable", "Variable (Release)")], required=True,
                            default="fixed", track_visibility="onchange")
    one_per_car = fields.Boolean(string="One Unused Coupon per Car",
                                 help="A car may hold only one unused coupon of this merchant.")
    expiry_hours = fields.Integer(string="Expires After (hours)", default=24,
                                  help="Hours after the claim an unused coupon expires.")
    max_face_value = fields.Monetary(help="Variable merchants: the most one coupon covers (0: no cap).")
    state = fields.Selection([("draft", "Draft"), ("active", "Active"), ("closed", "Closed")], required=True,
                             default="draft", copy=False, index=True, track_visibility="onchange")
    last_issue_at = fields.Datetime(readonly=True, copy=False,
                                    help="Written with every issue so concurrent issuers serialise (limits).")
    authorization_ids = fields.One2many("ep.coupon.authorization", "merchant_id", string="Issuers")
    batch_ids = fields.One2many("ep.coupon.batch", "merchant_id", string="Batches")
    limit_ids = fields.One2many("ep.coupon.limit", "merchant_id", string="Limits")
    coupon_count = fields.Integer(compute="_compute_coupon_count", string="Coupons")
    claim_token = fields.Char(required=True, readonly=True, copy=False, groups="ep_parking.group_operator",
                              default=lambda self: os.urandom(16).hex(),
                              help="The secret in the merchant's claim QR code (drivers scan it to claim a coupon).")
    claim_url = fields.Char(compute="_compute_claim_url", string="Claim QR URL")

    _sql_constraints = [
        ("claim_token_uniq", "unique(claim_token)", "Claim codes are unique."),
        ("expiry_hours_positive", "CHECK(expiry_hours > 0)",
         "Coupons must expire a positive number of hours after the claim."),
        ("max_face_value_positive", "CHECK(max_face_value >= 0)", "The maximum face value must not be negative."),
    ]

    @api.multi
    def _compute_coupon_count(self):
        groups = self.env["ep.coupon"].read_group([("merchant_id", "in", self.ids)], ["merchant_id"], ["merchant_id"])
        counts = {group["merchant_id"][0]: group["merchant_id_count"] for group in groups}
        for merchant in self:
            merchant.coupon_count = counts.get(merchant.id, 0)

    def _compute_claim_url(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")  # sudo: a system parameter
        for merchant in self:
            # sudo: the token is hidden from list readers; the URL is shown to those who may see the merchant
            merchant.claim_url = "%s/ep/coupon/m/%s" % (base, merchant.sudo().claim_token)

    # ------------------------------------------------------------ approval
    def _on_approved(self):
        """Approved: the merchant may issue, and its phone becomes its first issuer, the super admin."""
        self.write({"state": "active"})
        for merchant in self.filtered(lambda rec: not rec.authorization_ids):
            self.env["ep.coupon.authorization"].create({"merchant_id": merchant.id, "phone": merchant.phone,
                                                        "name": merchant.name})

    @api.constrains("phone")
    def _check_phone(self):
        Verification = self.env["ep.parking.phone.verification"]
        for merchant in self:
            try:
                phone = Verification._normalize_phone(merchant.phone)
            except UserError as exc:
                raise ValidationError(exc.name) from None
            if phone != merchant.phone:
                raise ValidationError(_("Write the merchant's phone as 11 digits, e.g. 13800138000."))

    @api.multi
    def action_close(self):
        for merchant in self:
            if merchant.state != "active":
                raise UserError(_("Only an active merchant can be closed (%s).") % merchant.name)
        return self.write({"state": "closed"})

    # ------------------------------------------------------------ business
    def _lock(self):
        """Serialise the issues and purchases of this merchant: lock its row, then write it.

        Odoo runs in REPEATABLE READ: a transaction waiting on the lock keeps the snapshot taken
        before the holder committed, so counting after the lock alone could miss the holder's
        coupons. Writing the row makes PostgreSQL fail such a waiter with a serialisation error
        (which the RPC layer retries on a fresh snapshot) instead of letting it count stale rows."""
        self.ensure_one()
        # a serialisation failure here is the expected outcome of a race, retried by the caller: not logged
        self.env.cr.execute("SELECT id FROM ep_coupon_merchant WHERE id = %s FOR UPDATE", [self.id],
                            log_exceptions=False)
        self.env.cr.execute("UPDATE ep_coupon_merchant SET last_issue_at = (now() at time zone 'UTC') WHERE id = %s",
                            [self.id], log_exceptions=False)
        self.invalidate_cache(["last_issue_at"], self.ids)

    def _check_active(self):
        self.ensure_one()
        if self.state != "active":
            raise UserError(_("The merchant %s is not active (approved) yet.") % self.name)

    def _check_limits(self, kind, requested, at=None):
        """Raise a UserError when ``requested`` (count, or amount for variable issues) exceeds a limit."""
        self.ensure_one()
        for limit in self.limit_ids.filtered(lambda rec: rec.kind == kind):
            used = limit._get_used(at)
            allowed = limit._get_allowed()
            if isinstance(used, Decimal):
                requested_value = Decimal(str(requested))
            else:
                requested_value = int(requested)
            try:
                check_limit(used, requested_value, allowed)
            except LimitExceeded as exc:
                raise UserError(_("The %(kind)s limit of %(merchant)s for this %(period)s is reached: "
                                  "%(left)s left.") % {
                    "kind": dict(limit._fields["kind"]._description_selection(self.env))[limit.kind],
                    "merchant": self.name, "left": exc.available,
                    "period": dict(limit._fields["period"]._description_selection(self.env))[limit.period]}) from exc

    def _find_entry(self, plate, phone=None):
        """The open entry of ``plate`` at the merchant's lot (§2.4.4: only cars in the lot get coupons);
        unplated cars only when they entered by QR code, and only for the phone that scanned (§2.2.4)."""
        self.ensure_one()
        plate = normalize_plate(plate or "")
        if not plate:
            raise UserError(_("Enter a plate."))
        if is_unplated(plate):
            visit = self.env["ep.parking.unplated"].search([
                ("lot_id", "=", self.lot_id.id), ("plate", "=", plate), ("state", "=", "in_lot")], limit=1)
            if not visit or not visit.entry_passage_id:
                raise UserError(_("The unplated car %s did not enter this lot by QR code.") % plate)
            if not phone or normalize_plate(phone) != normalize_plate(visit.phone):
                raise UserError(_("The coupon of an unplated car goes only to the phone that scanned at entry."))
        entry = self.env["ep.parking.unplated"]._lookup_plate(self.lot_id, plate)
        if not entry:
            raise UserError(_("The car %(plate)s is not in the lot %(lot)s.")
                            % {"plate": plate, "lot": self.lot_id.name})
        return entry

    def _get_quote(self, plate, entry):
        try:
            return self.env["ep.parking.order"]._get_fee_quote(self.lot_id, plate, entry=entry)
        except FeeQueryError as exc:
            if exc.reason == "not_in_lot":
                raise
            return None  # no tariff: the car's fee is 0

    def _get_unused_coupons(self, plate):
        return self.env["ep.coupon"].search([("merchant_id", "=", self.id), ("plate", "=", normalize_plate(plate)),
                                             ("state", "=", "claimed")])

    @api.multi
    def _issue_coupon(self, plate, coupon_type=None, phone=None, claim_kind="merchant_issue", campaign=None):
        """Give a coupon to the car ``plate`` (§2.4.4 A). Returns ``(coupon, warning)``; the warning
        says the car already held an unused coupon of this merchant (refused with ``one_per_car``)."""
        self.ensure_one()
        self._check_active()
        plate = normalize_plate(plate or "")
        entry = self._find_entry(plate, phone)
        warning = False
        if self._get_unused_coupons(plate):
            if self.one_per_car or claim_kind != "merchant_issue":  # drivers scanning claim one at a time
                raise UserError(_("The car %s already holds an unused coupon of this merchant.") % plate)
            warning = _("The car %s already holds an unused coupon of this merchant.") % plate
        quote = self._get_quote(plate, entry)
        due = quote["amount_due"] if quote else Decimal("0.00")
        preexit = self.env["ep.coupon.preexit.config"]._is_enabled(self.lot_id)
        self._lock()
        now = fields.Datetime.now()
        if self.kind == "variable":
            coupon = self._issue_variable(plate, due, preexit, now)
        else:
            coupon = self._issue_fixed(plate, due, preexit, coupon_type, now)
        coupon.write({"entry_passage_id": entry.id, "phone": phone or False, "claim_kind": claim_kind,
                      "campaign_id": campaign.id if campaign else False})
        return coupon, warning

    def _issue_fixed(self, plate, due, preexit, coupon_type, now):
        Coupon = self.env["ep.coupon"]
        available = Coupon.search([("merchant_id", "=", self.id), ("state", "=", "unclaimed")], order="id")
        if coupon_type:
            available = available.filtered(lambda c: c.type_id == coupon_type)
        else:
            faces = sorted(set(monetary_to_decimal(face) for face in available.mapped("face_value")))
            face = pick_coupon(due, faces)
            available = available.filtered(lambda c: monetary_to_decimal(c.face_value) == face)
        if not available:
            raise UserError(_("The merchant %s has no coupon of this type left; buy some first.") % self.name)
        self._check_limits("issue", 1, now)
        coupon = available[0]
        face = monetary_to_decimal(coupon.face_value)
        coupon.write(coupon._prepare_claim_vals(plate, now, min(face, due) if not preexit else Decimal("0.00")))
        return coupon

    def _issue_variable(self, plate, due, preexit, now):
        if due <= 0 and not preexit:
            raise UserError(_("The car %s has nothing to pay: a release coupon would cover nothing.") % plate)
        cap = monetary_to_decimal(self.max_face_value)
        amount = min(due, cap) if cap > 0 else due
        self._check_limits("issue", amount, now)
        release = self.env["ep.coupon.type"]._get_release_type(self.lot_id)
        vals = {"merchant_id": self.id, "type_id": release.id, "face_value": float(amount)}
        vals.update(self.env["ep.coupon"]._prepare_claim_vals(plate, now, amount if not preexit else Decimal("0.00"),
                                                             merchant=self))
        return self.env["ep.coupon"].create(vals)

    @api.constrains("kind", "max_face_value")
    def _check_max_face_value(self):
        for merchant in self:
            if merchant.kind == "fixed" and merchant.max_face_value:
                raise ValidationError(_("Only variable merchants have a maximum face value."))

    # ------------------------------------------------------------ merchant portal and API
    # What the merchant's issuers see and do (seed 000 §2.4.4 4); the portal pages and the JSON
    # endpoints both call these, on the merchant of the logged-in issuer.
    def _get_available_types(self):
        """``[(type, unclaimed count)]`` of a fixed merchant's coupons still to give, by face value."""
        self.ensure_one()
        groups = self.env["ep.coupon"].read_group(
            [("merchant_id", "=", self.id), ("state", "=", "unclaimed")], ["type_id"], ["type_id"])
        counts = {group["type_id"][0]: group["type_id_count"] for group in groups}
        types = self.env["ep.coupon.type"].browse(list(counts)).sorted(lambda t: (t.face_value, t.id))
        return [(coupon_type, counts[coupon_type.id]) for coupon_type in types]

    def _get_limit_status(self, at=None):
        """Each limit with what its period used and what is left (§2.4.4 4 E: total and balance)."""
        self.ensure_one()
        status = []
        for limit in self.limit_ids:
            used, allowed = limit._get_used(at), limit._get_allowed()
            status.append({"limit": limit, "used": used, "allowed": allowed,
                           "left": max(allowed - used, 0) if allowed else None})
        return status

    def _get_car_info(self, plate, phone=None):
        """What the issue page shows for ``plate`` (§2.4.4 4 A): entry time and current fee, the
        coupon type the issue would pick, a warning when the car holds this merchant's coupon."""
        self.ensure_one()
        self._check_active()
        plate = normalize_plate(plate or "")
        entry = self._find_entry(plate, phone)
        quote = self._get_quote(plate, entry)
        due = quote["amount_due"] if quote else Decimal("0.00")
        info = {"plate": plate, "entry": entry, "entry_time": entry.passage_time,
                "fee": quote["fee"] if quote else Decimal("0.00"), "amount_due": due,
                "coupons": quote["coupons"] if quote else [], "suggested_type": self.env["ep.coupon.type"],
                "amount": Decimal("0.00"), "warning": False}
        if self._get_unused_coupons(plate):
            info["warning"] = _("The car %s already holds an unused coupon of this merchant.") % plate
        if self.kind == "fixed":
            available = self._get_available_types()
            face = pick_coupon(due, [monetary_to_decimal(t.face_value) for t, _count in available])
            info["suggested_type"] = next((t for t, _count in available
                                           if monetary_to_decimal(t.face_value) == face), info["suggested_type"])
            info["amount"] = monetary_to_decimal(info["suggested_type"].face_value)
        else:
            cap = monetary_to_decimal(self.max_face_value)
            info["amount"] = min(due, cap) if cap > 0 else due
        return info

    def _get_coupon_domain(self, state=None, plate=None, claim_kind=None, date_from=None, date_to=None):
        """The merchant's given coupons (my coupons, §2.4.4 4 B) filtered; dates are lot days."""
        self.ensure_one()
        domain = [("merchant_id", "=", self.id), ("state", "!=", "unclaimed")]
        if state:
            domain.append(("state", "=", state))
        if plate:
            domain.append(("plate", "ilike", normalize_plate(plate)))
        if claim_kind:
            domain.append(("claim_kind", "=", claim_kind))
        if date_from:
            domain.append(("claimed_at", ">=", fields.Datetime.to_string(
                from_lot_time(datetime.combine(date_from, time.min)))))
        if date_to:
            domain.append(("claimed_at", "<", fields.Datetime.to_string(
                from_lot_time(datetime.combine(date_to + timedelta(days=1), time.min)))))
        return domain

    def _get_face_value_total(self, domain):
        groups = self.env["ep.coupon"].read_group(domain, ["face_value"], [])
        return monetary_to_decimal(groups[0]["face_value"] if groups else 0)

    def _get_daily_stats(self, date_from, date_to):
        """Coupons given and used per lot day from ``date_from`` to ``date_to`` (the chart, §2.4.4 4 G)."""
        self.ensure_one()
        if date_to < date_from:
            raise UserError(_("The end day is before the start day."))
        if (date_to - date_from).days >= MAX_STATS_DAYS:
            raise UserError(_("Choose at most %s days.") % MAX_STATS_DAYS)
        days = OrderedDict()
        day = date_from
        while day <= date_to:
            days[day] = {"day": day, "issued": 0, "used": 0}
            day += timedelta(days=1)
        start = fields.Datetime.to_string(from_lot_time(datetime.combine(date_from, time.min)))
        end = fields.Datetime.to_string(from_lot_time(datetime.combine(date_to + timedelta(days=1), time.min)))
        Coupon = self.env["ep.coupon"]
        for key, field in (("issued", "claimed_at"), ("used", "used_at")):
            rows = Coupon.search_read([("merchant_id", "=", self.id), (field, ">=", start), (field, "<", end)],
                                      [field])
            for row in rows:
                bucket = days.get(to_lot_time(row[field]).date())
                if bucket:
                    bucket[key] += 1
        return list(days.values())

    def _buy(self, coupon_type, count, channel):
        """A purchase by the merchant (§2.4.4 4 C): a batch and its order, to pay through ``channel``."""
        self.ensure_one()
        self._check_active()
        if self.kind != "fixed":
            raise UserError(_("Variable merchants do not buy coupons."))
        if not coupon_type or coupon_type.lot_id != self.lot_id or coupon_type.kind != "fixed" \
                or not coupon_type.active:
            raise UserError(_("Choose a coupon type of the lot %s.") % self.lot_id.name)
        if not 0 < count <= MAX_PURCHASE_COUNT:
            raise UserError(_("Buy between 1 and %s coupons at a time.") % MAX_PURCHASE_COUNT)
        batch = self.env["ep.coupon.batch"].create({
            "merchant_id": self.id, "type_id": coupon_type.id, "count": count, "source": "purchase"})
        batch.action_confirm(channel)
        return batch

    def _set_issue_limit(self, period, count):
        """Issuers of a fixed merchant set their own issue limits per day, week or month (§2.4.4 2 E);
        release coupons have none to set (放行券不用设置发券限制)."""
        self.ensure_one()
        if self.kind != "fixed":
            raise UserError(_("Release coupons have no issue limit to set."))
        Limit = self.env["ep.coupon.limit"]
        if period not in dict(Limit._fields["period"].selection):
            raise UserError(_("Choose a day, week or month."))
        if count < 0:
            raise UserError(_("A limit must not be negative."))
        limit = self.limit_ids.filtered(lambda rec: rec.kind == "issue" and rec.period == period)
        if limit:
            limit.write({"count": count})
            return limit
        return Limit.create({"merchant_id": self.id, "kind": "issue", "period": period, "count": count})

    def _create_campaign(self, name):
        """A campaign with its fixed poster QR code (§2.4.4 4 F)."""
        self.ensure_one()
        self._check_active()
        if self.kind != "fixed":
            raise UserError(_("Campaigns hand out amount-off coupons: only fixed merchants run them."))
        name = (name or "").strip()
        if not name:
            raise UserError(_("Name the campaign."))
        return self.env["ep.coupon.campaign"].create({"name": name, "merchant_id": self.id})
