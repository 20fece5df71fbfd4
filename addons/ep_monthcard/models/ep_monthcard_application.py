import base64
from datetime import datetime, time, timedelta

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.addons.ep_parking.lib.plate import is_valid_plate, normalize_plate
from odoo.addons.ep_parking.models.ep_parking_tariff import from_lot_time, to_lot_time
from odoo.exceptions import UserError, ValidationError
from odoo.tools.mimetypes import guess_mimetype

from .ep_monthcard import VALID_STATES

PURPOSE = "monthcard_application"
ID_PHOTO_MAX_BYTES = 5 * 1024 * 1024
ID_PHOTO_TYPES = ("image/jpeg", "image/png", "image/gif", "image/bmp", "application/pdf")
# What an approved or rejected application still lets change: its chatter.
FINAL_WRITABLE_PREFIXES = ("message_", "activity_", "website_message")


class EpParkingPhoneVerification(models.Model):
    """Owners prove their phone number when they apply for a month card (§2.3.4 验证手机号)."""

    _inherit = "ep.parking.phone.verification"

    purpose = fields.Selection(selection_add=[(PURPOSE, "Month Card Application")])


class EpMonthcardApplication(models.Model):
    """A car owner's application for a month card (月卡申请, seed 000 §2.3.4).

    The owner applies on the portal: plate, lot, a verified phone number, address and an ID
    photo. Lot staff check the ID and the lot's cards, then approve — choosing the rule and
    the day the owner starts paying from — which creates the card (state created, nothing
    paid yet: the first renewal starts on that day), or reject it with a reason the owner
    reads on the portal. Reviews follow the model's tiers (``ep.approval.mixin``).
    """

    _name = "ep.monthcard.application"
    _description = "Month Card Application"
    _inherit = ["ep.approval.mixin", "ep.parking.plate.mixin"]
    _order = "id desc"

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/", index=True)
    partner_id = fields.Many2one("res.partner", string="Owner", required=True, index=True, ondelete="restrict",
                                 readonly=True, states={"draft": [("readonly", False)]})
    lot_id = fields.Many2one("ep.parking.lot", required=True, index=True, ondelete="restrict", readonly=True,
                             states={"draft": [("readonly", False)]})
    region_id = fields.Many2one(related="lot_id.region_id", store=True, readonly=True)
    currency_id = fields.Many2one(related="lot_id.currency_id", readonly=True)
    phone = fields.Char(required=True, readonly=True, states={"draft": [("readonly", False)]},
                        help="The owner's mobile phone number: it becomes the card's phone.")
    phone_verified = fields.Boolean(readonly=True, copy=False,
                                    help="The owner typed the code sent to this number when applying.")
    address = fields.Char(required=True, readonly=True, states={"draft": [("readonly", False)]})
    building = fields.Char(readonly=True, states={"draft": [("readonly", False)]})
    room = fields.Char(readonly=True, states={"draft": [("readonly", False)]})
    id_photo = fields.Binary(string="ID Photo", attachment=True, copy=False, readonly=True,
                             states={"draft": [("readonly", False)]},
                             help="The owner's ID (证件照): check it before approving.")
    id_photo_name = fields.Char(string="ID Photo File", copy=False)
    note = fields.Text(string="Owner's Note", readonly=True, states={"draft": [("readonly", False)]})
    # the approver's choices (§2.3.4 同意: 选择对应月卡规则及开始使用时间)
    rule_id = fields.Many2one("ep.monthcard.rule", ondelete="restrict", track_visibility="onchange",
                              domain="[('lot_id', '=', lot_id), ('state', '=', 'active')]",
                              help="The rule of the card the approval creates.")
    date_start = fields.Date(string="Pays From", track_visibility="onchange",
                             help="The day (lot time) the owner's first payment starts from.")
    spaces = fields.Integer(default=1, track_visibility="onchange", help="Spaces of the card.")
    card_id = fields.Many2one("ep.monthcard", string="Month Card", readonly=True, copy=False, ondelete="set null")

    _sql_constraints = [
        ("spaces_positive", "CHECK(spaces >= 1)", "A month card has at least one space."),
    ]

    @api.multi
    def name_get(self):
        return [(app.id, "%s · %s" % (app.name, app.plate)) for app in self]

    # ------------------------------------------------------------ CRUD
    @api.model
    def create(self, vals):
        if vals.get("name", "/") == "/":
            # sudo: the reference sequence is configuration; applicants only take its next number.
            vals = dict(vals, name=self.env["ir.sequence"].sudo().next_by_code(self._name) or "/")
        return super().create(vals)

    @api.multi
    def write(self, vals):
        final = self.filtered(lambda app: app.approval_state in ("approved", "rejected"))
        locked = [name for name in vals if not name.startswith(FINAL_WRITABLE_PREFIXES)]
        if final and locked:
            raise UserError(_("The application %(name)s is closed: it can no longer be changed.")
                            % {"name": final[0].name})
        return super().write(vals)

    @api.model
    def _get_under_validation_exceptions(self):
        return super()._get_under_validation_exceptions() + ["rule_id", "date_start", "spaces"]

    # ------------------------------------------------------------ constraints
    @api.constrains("rule_id", "lot_id")
    def _check_rule_lot(self):
        for app in self:
            if app.rule_id and app.rule_id.lot_id != app.lot_id:
                raise ValidationError(_("The rule %(rule)s is not a rule of %(lot)s.")
                                      % {"rule": app.rule_id.name, "lot": app.lot_id.name})

    @api.constrains("id_photo")
    def _check_id_photo(self):
        for app in self.filtered("id_photo"):
            self._check_photo_data(base64.b64decode(app.with_context(bin_size=False).id_photo))

    @api.onchange("lot_id")
    def _onchange_lot_id(self):
        if self.rule_id.lot_id != self.lot_id:
            self.rule_id = False

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        if self.partner_id and not self.phone:
            self.phone = self.partner_id.mobile or self.partner_id.phone

    @api.model
    def _check_photo_data(self, data):
        if len(data) > ID_PHOTO_MAX_BYTES:
            raise ValidationError(_("The ID photo may be 5 MB at most."))
        if guess_mimetype(data) not in ID_PHOTO_TYPES:
            raise ValidationError(_("The ID photo must be a picture (JPEG, PNG, GIF, BMP) or a PDF file."))

    # ------------------------------------------------------------ approval hooks
    def _check_submit(self):
        self.ensure_one()
        result = super()._check_submit()
        # sudo: the lot's cards and other owners' applications decide whether this one may go on,
        # though the applicant may read neither; only a yes/no comes out.
        self.sudo()._check_lot_and_plate(self.lot_id, self.plate, exclude=self)
        self.env["ep.parking.phone.verification"]._normalize_phone(self.phone)
        if not self.id_photo:
            raise UserError(_("Upload a photo of the owner's ID."))
        if not (self.address or "").strip():
            raise UserError(_("Give the owner's address."))
        return result

    @api.model
    def _check_lot_and_plate(self, lot, plate, exclude=None):
        """The lot sells month cards, and ``plate`` has neither a card there nor an application waiting."""
        if not self.env["ep.monthcard.rule"].search_count([("lot_id", "=", lot.id), ("state", "=", "active")]):
            raise UserError(_("%(lot)s does not sell month cards.") % {"lot": lot.name})
        if self.env["ep.monthcard"].search_count([("lot_id", "=", lot.id), ("plate", "=", plate),
                                                 ("state", "in", VALID_STATES)]):
            raise UserError(_("%(plate)s already has a month card at %(lot)s: renew it instead.")
                            % {"plate": plate, "lot": lot.name})
        domain = [("lot_id", "=", lot.id), ("plate", "=", plate), ("approval_state", "=", "to_approve")]
        if exclude:
            domain.append(("id", "not in", exclude.ids))
        if self.search_count(domain):
            raise UserError(_("An application for %(plate)s at %(lot)s is already waiting for approval.")
                            % {"plate": plate, "lot": lot.name})

    def _check_approve(self):
        self.ensure_one()
        result = super()._check_approve()
        if not self.rule_id or not self.date_start:
            raise UserError(_("Choose the rule and the day the owner pays from before approving %(name)s.")
                            % {"name": self.name})
        if self.rule_id.state != "active":
            raise UserError(_("The rule %(rule)s is forbidden.") % {"rule": self.rule_id.name})
        today = to_lot_time(fields.Datetime.now()).date()
        if fields.Date.from_string(self.date_start) < today:
            raise UserError(_("The owner cannot pay from a day already past (%(day)s).") % {"day": self.date_start})
        # sudo: see _check_submit
        card = self.env["ep.monthcard"].sudo().search([("lot_id", "=", self.lot_id.id), ("plate", "=", self.plate),
                                                       ("state", "in", VALID_STATES)], limit=1)
        if card:
            raise UserError(_("%(plate)s already has a month card at %(lot)s.")
                            % {"plate": self.plate, "lot": self.lot_id.name})
        return result

    def _get_requester(self):
        """Applications the portal submits for their owner are the owner's requests."""
        requester = super()._get_requester()
        if requester.id == SUPERUSER_ID and self.partner_id.user_ids:
            return self.partner_id.user_ids[:1]
        return requester

    def _on_approved(self):
        """The card is created (state created) with nothing paid: its validity ends the second
        before the chosen day, so the owner's first renewal starts on that day."""
        self.ensure_one()
        result = super()._on_approved()
        card = self.env["ep.monthcard"].create(self._prepare_card_vals())
        # past write(): the application is approved (closed) already; this links its outcome
        super(EpMonthcardApplication, self).write({"card_id": card.id})  # pylint: disable=super-method-mismatch
        card.message_post(body=_("Created from the application %(name)s: the owner pays from %(day)s.")
                          % {"name": self.name, "day": self.date_start})
        self.message_post(body=_("Approved: month card created, paid from %(day)s.") % {"day": self.date_start})
        return result

    def _prepare_card_vals(self):
        self.ensure_one()
        first = from_lot_time(datetime.combine(fields.Date.from_string(self.date_start), time.min))
        return {
            "lot_id": self.lot_id.id, "plate": self.plate, "rule_id": self.rule_id.id, "state": "created",
            "partner_id": self.partner_id.id, "phone": self.phone, "spaces": self.spaces or 1,
            "building": self.building, "room": self.room,
            # an unpaid card: a validity window must not be empty, so it is the two seconds before
            # the first paid day (renewals continue from the end)
            "date_start": fields.Datetime.to_string(first - timedelta(seconds=2)),
            "date_end": fields.Datetime.to_string(first - timedelta(seconds=1)),
            "note": _("Application %(name)s. Address: %(address)s") % {"name": self.name, "address": self.address},
        }

    # ------------------------------------------------------------ portal (controllers/application.py)
    @api.model
    def _portal_lots(self):
        """Lots an owner may apply at: operating, with an active month-card rule."""
        # sudo: portal users read neither lots nor rules; they only see the names of these lots.
        rules = self.env["ep.monthcard.rule"].sudo().search([("state", "=", "active"),
                                                             ("lot_id.state", "=", "operating")])
        return rules.mapped("lot_id").sorted("name")

    @api.model
    def _portal_request_code(self, phone):
        """Send a code to ``phone`` for an application; returns the verification (UserError if refused)."""
        # sudo: codes are the platform's (ep_parking's website flows use them through sudo too).
        return self.env["ep.parking.phone.verification"].sudo()._request_code(phone, PURPOSE)

    @api.model
    def _portal_find_code(self, phone):
        # sudo: see _portal_request_code
        Verification = self.env["ep.parking.phone.verification"].sudo()
        try:
            phone = Verification._normalize_phone(phone)
        except UserError:
            return Verification
        return Verification._find_pending(phone, PURPOSE)

    @api.model
    def _portal_prepare_vals(self, form, photo=None, photo_name=None):
        """Check what the owner typed (before the phone code is checked, which spends it);
        returns the application's values. Raises UserError."""
        plate = normalize_plate(form.get("plate") or "")
        if not plate or not is_valid_plate(plate):
            raise UserError(_("Please enter a valid licence plate, e.g. 粤B12345."))
        lot_id = form.get("lot_id") or ""
        lot = self._portal_lots().filtered(lambda candidate: str(candidate.id) == str(lot_id))
        if not lot:
            raise UserError(_("Please choose the lot."))
        phone = self.env["ep.parking.phone.verification"]._normalize_phone(form.get("phone") or "")
        address = (form.get("address") or "").strip()
        if not address:
            raise UserError(_("Please enter your address."))
        if not photo:
            raise UserError(_("Please upload a photo of your ID."))
        try:
            self._check_photo_data(photo)
        except ValidationError as exc:
            raise UserError(exc.name) from None
        # sudo: see _check_submit
        self.sudo()._check_lot_and_plate(lot, plate)
        return {
            "partner_id": self.env.user.partner_id.id, "lot_id": lot.id, "plate": plate, "phone": phone,
            "address": address[:200], "building": (form.get("building") or "").strip()[:50],
            "room": (form.get("room") or "").strip()[:50], "note": (form.get("note") or "").strip()[:2000],
            "id_photo": base64.b64encode(photo), "id_photo_name": (photo_name or "id")[:100],
        }

    @api.model
    def _portal_create(self, vals, verification):
        """Spend the verified code and submit the application for the current (portal) user."""
        verification._consume(vals["phone"], PURPOSE)
        vals = dict(vals, partner_id=self.env.user.partner_id.id, phone_verified=True)
        # sudo: owners may read their applications but neither create nor write them: what they
        # typed was checked by _portal_prepare_vals and the phone by the code just spent.
        application = self.sudo().create(vals)
        application.action_submit()
        return application.sudo(self.env.user)  # back to the owner's own rights

