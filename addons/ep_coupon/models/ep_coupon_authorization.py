from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError


class EpCouponAuthorization(models.Model):
    """An issuer (发券人) of a merchant (seed 000 §2.4.1 2): the first one is the super admin, who
    alone grants and revokes the others; one phone belongs to one merchant only."""

    _name = "ep.coupon.authorization"
    _description = "Coupon Issuer Authorization"
    _order = "merchant_id, sequence, id"
    _rec_name = "phone"

    merchant_id = fields.Many2one("ep.coupon.merchant", required=True, index=True, ondelete="cascade")
    lot_id = fields.Many2one(related="merchant_id.lot_id", store=True, readonly=True)
    phone = fields.Char(required=True, index=True)
    name = fields.Char(string="Issuer")
    user_id = fields.Many2one("res.users", string="Portal User", index=True, ondelete="set null")
    sequence = fields.Integer(default=10)
    is_super = fields.Boolean(string="Super Admin", readonly=True,
                              help="The first issuer of the merchant grants and revokes the others.")

    _sql_constraints = [("phone_uniq", "unique(phone)", "This phone is already bound to another merchant.")]

    @api.model
    def create(self, vals):
        phone = self.env["ep.parking.phone.verification"]._normalize_phone(vals.get("phone"))
        # sudo: the phone may be bound at a merchant the user cannot see; the database's unique
        # constraint enforces the rule, this only gives the clear message first
        bound = self.sudo().search([("phone", "=", phone)], limit=1)
        if bound:
            if bound.merchant_id.id == vals.get("merchant_id"):
                raise ValidationError(_("This phone is already an issuer of this merchant."))
            raise ValidationError(_("This phone is already bound to another merchant."))
        vals = dict(vals, phone=phone)
        vals["is_super"] = not self.search_count([("merchant_id", "=", vals.get("merchant_id"))])
        auth = super().create(vals)
        if not auth.user_id:
            auth._ensure_user()
        return auth

    def _ensure_user(self):
        """Issuers are portal users whose login is their phone: link the existing one, or make one
        and text them the link where they choose a password (auth_signup)."""
        self.ensure_one()
        Users = self.env["res.users"]
        user = Users.sudo().search([("login", "=", self.phone)], limit=1)  # sudo: granters may not read users
        if not user:
            user = Users._ep_portal_user_for_phone(self.phone, self.name)
            user.partner_id.signup_prepare()
            self.env["ep.parking.sms.provider"]._send(self.phone, _(
                "You may now issue the parking coupons of %(merchant)s. Choose your password at %(url)s "
                "and log in with your phone number.") % {"merchant": self.merchant_id.name,
                                                        "url": user.partner_id.signup_url})
        self.sudo().write({"user_id": user.id})  # sudo: see above
        return user

    @api.model
    def _get_for_user(self, user):
        return self.search([("user_id", "=", user.id)], limit=1)

    @api.model
    def _check_can_manage(self, user, merchant):
        """Only the super admin of ``merchant`` grants or revokes its issuers (portal users);
        back-office lot staff manage every issuer of their lots."""
        if user.has_group("ep_parking.group_lot_staff"):
            return True
        # sudo: a portal user may not read the authorizations of others; this only checks theirs
        auth = self.sudo().search([("user_id", "=", user.id), ("merchant_id", "=", merchant.id)], limit=1)
        if not auth.is_super:
            raise AccessError(_("Only the super admin of the merchant may grant or revoke issuers."))
        return True

    @api.model
    def _grant(self, user, merchant, phone, name=None):
        self._check_can_manage(user, merchant)
        # sudo: the super admin's right was checked just above
        return self.sudo().create({"merchant_id": merchant.id, "phone": phone, "name": name})

    @api.multi
    def _revoke(self, user):
        for auth in self:
            self._check_can_manage(user, auth.merchant_id)
            if auth.is_super:
                raise ValidationError(_("The super admin cannot revoke their own authorization."))
        # sudo: the super admin's right was checked just above
        return self.sudo().unlink()
