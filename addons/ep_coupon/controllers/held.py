"""The coupons a car owner holds (seed 000 §2.4: coupons given to a plate, or to the phone of an
unplated car), on the owner's portal: ``/my/held-coupons``.

A coupon belongs to a plate, not to an account: the owner sees those given to the plates of their
vehicles (``ep.parking.vehicle``, read as the user: own vehicles only) or to their mobile phone.
"""
from odoo import http
from odoo.addons.ep_parking.controllers.payment import shown_sudo
from odoo.addons.ep_parking.controllers.portal import may_read
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.http import request

HELD_STATES = ("claimed", "used", "expired")


class HeldCouponPortal(CustomerPortal):

    def _get_held_coupon_domain(self):
        Vehicle = request.env["ep.parking.vehicle"]
        plates = Vehicle.search([("partner_id", "=", request.env.user.partner_id.id)]).mapped("plate") \
            if may_read(Vehicle) else []  # an employee without parking rights has no vehicles here
        partner = request.env.user.partner_id
        phones = [phone for phone in (partner.mobile, partner.phone) if phone]
        domain = [("plate", "in", plates or [""])]
        if phones:
            domain = ["|", ("phone", "in", phones)] + domain
        return [("state", "in", HELD_STATES)] + domain

    def _held_coupons(self):
        # sudo (shown_sudo): owners do not read coupons; the domain keeps to their own plates and phone
        return shown_sudo(request.env["ep.coupon"]).search(self._get_held_coupon_domain(), limit=100)

    def _prepare_portal_layout_values(self):
        values = super()._prepare_portal_layout_values()
        values["ep_held_coupon_count"] = shown_sudo(request.env["ep.coupon"]).search_count(
            self._get_held_coupon_domain() + [("state", "=", "claimed")])
        return values

    @http.route("/my/held-coupons", type="http", auth="user", website=True, methods=["GET"])
    def portal_my_held_coupons(self, **kw):
        values = self._prepare_portal_layout_values()
        values.update(coupons=self._held_coupons(), page_name="ep_held_coupons")
        return request.render("ep_coupon.portal_my_held_coupons", values)
