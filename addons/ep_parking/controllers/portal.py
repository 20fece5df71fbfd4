"""My orders (seed 000 §2.3.10 我的订单) on the Odoo portal: the owner's own transaction orders."""
from odoo import _, http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.http import request

from .payment import shown_sudo

ORDERS_PER_PAGE = 20


def may_read(model):
    """Whether the user may read ``model`` at all: the portal's /my pages are every logged-in user's,
    employees without EP rights included, who must get them without what they may not read."""
    return model.check_access_rights("read", raise_exception=False)


def readable_count(model, domain):
    """How many ``model`` records in ``domain`` the user reads, for a card of the /my home; None
    (no card, its page would refuse them) when the user may not read ``model`` (may_read)."""
    return model.search_count(domain) if may_read(model) else None


class ParkingOrderPortal(CustomerPortal):

    def _get_parking_order_domain(self):
        return [("partner_id", "=", request.env.user.partner_id.id)]

    def _prepare_portal_layout_values(self):
        values = super()._prepare_portal_layout_values()
        # read as the user: the record rule limits portal users to their own orders
        values["ep_order_count"] = readable_count(request.env["ep.parking.order"], self._get_parking_order_domain())
        return values

    @http.route(["/my/parking/orders", "/my/parking/orders/page/<int:page>"], type="http", auth="user",
                website=True)
    def portal_my_parking_orders(self, page=1, state=None, **kw):
        values = self._prepare_portal_layout_values()
        Order = request.env["ep.parking.order"]
        filters = {
            "all": {"label": _("All"), "domain": []},
            "paid": {"label": _("Paid"), "domain": [("state", "=", "paid")]},
            "unpaid": {"label": _("Unpaid"), "domain": [("state", "=", "unpaid")]},
            "refunded": {"label": _("Refunded"), "domain": [("state", "=", "refunded")]},
        }
        state = state if state in filters else "all"
        domain = self._get_parking_order_domain() + filters[state]["domain"]
        total = Order.search_count(domain)
        pager = portal_pager(url="/my/parking/orders", url_args={"state": state}, total=total, page=page,
                             step=ORDERS_PER_PAGE)
        orders = Order.search(domain, limit=ORDERS_PER_PAGE, offset=pager["offset"])
        # sudo: the search above ran as the user (own orders only); sudo lets the page show the lot's
        # name, which portal users may not read on the lot itself.
        orders = shown_sudo(orders)
        values.update({
            "orders": orders, "pager": pager, "page_name": "ep_parking_orders", "filters": filters,
            "state": state, "default_url": "/my/parking/orders",
            # the balance is the user's own partner's; read as the user
            "deduction_balance": request.env.user.partner_id.ep_deduction_balance,
            "currency": request.env.user.company_id.currency_id,
        })
        return request.render("ep_parking.portal_my_parking_orders", values)
