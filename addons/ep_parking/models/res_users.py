from odoo import api, fields, models
from odoo.exceptions import AccessDenied


class ResUsers(models.Model):
    _inherit = "res.users"

    ep_region_ids = fields.Many2many(
        "ep.parking.region", "ep_parking_region_res_users_rel", "user_id", "region_id",
        string="Parking Regions",
        help="Regions and divisions this staff user works in: they see the lots below them. "
             "Managers and administrators see every region.",
    )
    ep_lot_ids = fields.Many2many(
        "ep.parking.lot", "ep_parking_lot_res_users_rel", "user_id", "lot_id", string="Parking Lots",
        help="Single lots this staff user works on, besides those of their regions.",
    )

    @api.multi
    def write(self, vals):
        result = super().write(vals)
        if "ep_region_ids" in vals or "ep_lot_ids" in vals:
            # record rules read these fields; Odoo caches evaluated rule domains per user
            self.env["ir.rule"].clear_caches()
        return result

    @api.model
    def _ep_portal_user_for_phone(self, phone, name=None):
        """The user whose login is ``phone`` (a normalised mobile number); a new portal user when
        there is none (owners who verified their phone, merchants' issuers), their contact's
        mobile set. Callers check the phone first (an SMS code, a merchant's super admin)."""
        # sudo: visitors and merchants create these users, and may not manage users themselves
        Users = self.sudo().with_context(no_reset_password=True, active_test=False)
        user = Users.search([("login", "=", phone)], limit=1)
        if not user:
            user = Users.create({"name": name or phone, "login": phone,
                                 "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])]})
            user.partner_id.write({"mobile": phone, "phone": phone})
        return user

    @api.model
    def check_credentials(self, password):
        """The password, or a one-time token of a phone login (``ep.parking.login.token``)."""
        try:
            return super().check_credentials(password)
        except AccessDenied:
            # a fresh cursor's commit is the caller's: the token is marked used in this transaction
            if not self.env["ep.parking.login.token"]._consume(self.env.uid, password):
                raise
