"""Self-invoicing (用户开票, seed 000 §2.3.9 7) on the Odoo portal.

My orders (``/my/parking/orders``, ep_parking) gets a tick box on each order the owner may invoice;
``/my/einvoice/new`` takes the ticked orders and the buyer (title, tax number or a person, email)
and issues the invoices, which are emailed and listed under ``/my/einvoices`` with their PDF.
Orders are found as the user (record rules: own orders only) and checked again by
``ep.einvoice.invoice._request_by_owner``: another owner's order id is refused (403).
"""
import base64

import werkzeug

from odoo import _, http
from odoo.addons.ep_parking.controllers.payment import shown_sudo, undo_request
from odoo.addons.ep_parking.controllers.portal import ParkingOrderPortal, readable_count
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import content_disposition, request

from ..models.ep_einvoice_invoice import BUYER_FIELDS

INVOICES_PER_PAGE = 20


def parse_ids(values):
    ids = []
    for value in values:
        for part in str(value or "").split(","):
            if part.strip():
                try:
                    ids.append(int(part))
                except ValueError:
                    raise werkzeug.exceptions.BadRequest(_("Order ids are numbers.")) from None
    return ids


class EinvoicePortal(ParkingOrderPortal):

    def _get_einvoice_domain(self):
        return [("requested_by_id", "=", request.env.user.partner_id.id)]

    def _prepare_portal_layout_values(self):
        values = super()._prepare_portal_layout_values()
        # read as the user: the record rule limits portal users to their own invoices
        values["ep_einvoice_count"] = readable_count(request.env["ep.einvoice.invoice"], self._get_einvoice_domain())
        return values

    @http.route()
    def portal_my_parking_orders(self, page=1, state=None, **kw):
        response = super().portal_my_parking_orders(page=page, state=state, **kw)
        orders = response.qcontext.get("orders")
        if orders:
            response.qcontext["ep_invoiceable_ids"] = [order.id for order in orders if order._is_invoiceable()
                                                       and order.lot_id._get_einvoice_rule().self_invoicing]
        return response

    def _selected_orders(self):
        ids = parse_ids(request.httprequest.values.getlist("order_ids"))
        # as the user: only their own orders come back
        orders = request.env["ep.parking.order"].search([("id", "in", ids)])
        if not ids or len(orders) != len(set(ids)):
            raise werkzeug.exceptions.Forbidden(_("You can only invoice your own orders."))
        return orders

    def _render_request(self, orders, buyer=None, error=None, status=200):
        values = self._prepare_portal_layout_values()
        values.update({"orders": shown_sudo(orders), "buyer": buyer or {"personal": True,
                                                                  "email": request.env.user.partner_id.email},
                       "error": error, "page_name": "ep_einvoice_new",
                       "currency": request.env.user.company_id.currency_id})
        # sudo above: the lots' names, which portal users may not read on the lot itself
        return request.render("ep_einvoice.portal_einvoice_request", values, status=status)

    @http.route("/my/einvoice/new", type="http", auth="user", website=True, methods=["GET"])
    def portal_einvoice_request_form(self, **kw):
        return self._render_request(self._selected_orders())

    @http.route("/my/einvoice/new", type="http", auth="user", website=True, methods=["POST"])
    def portal_einvoice_request(self, **kw):
        orders = self._selected_orders()
        buyer = {key: (kw.get("buyer_%s" % key) or "").strip() for key in BUYER_FIELDS if key != "personal"}
        buyer["personal"] = kw.get("buyer_kind", "personal") == "personal"
        try:
            invoices = request.env["ep.einvoice.invoice"]._request_by_owner(orders.ids, buyer)
        except AccessError as error:
            raise werkzeug.exceptions.Forbidden(error.name) from None
        except (UserError, ValidationError) as error:
            undo_request(request.env)
            return self._render_request(self._selected_orders(), buyer, error.name, status=400)
        if len(invoices) == 1:
            return request.redirect("/my/einvoices/%s" % invoices.id)
        return request.redirect("/my/einvoices")

    @http.route(["/my/einvoices", "/my/einvoices/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_einvoices(self, page=1, **kw):
        values = self._prepare_portal_layout_values()
        Invoice = request.env["ep.einvoice.invoice"]
        domain = self._get_einvoice_domain()
        pager = portal_pager(url="/my/einvoices", total=Invoice.search_count(domain), page=page,
                             step=INVOICES_PER_PAGE)
        invoices = Invoice.search(domain, limit=INVOICES_PER_PAGE, offset=pager["offset"])
        values.update({"invoices": shown_sudo(invoices), "pager": pager, "page_name": "ep_einvoices",
                       "default_url": "/my/einvoices"})
        # sudo above: the search ran as the user (own invoices); the page shows the lot and seller names
        return request.render("ep_einvoice.portal_my_einvoices", values)

    def _own_invoice(self, invoice_id):
        invoice = request.env["ep.einvoice.invoice"].search(self._get_einvoice_domain() + [("id", "=", invoice_id)])
        if not invoice:
            raise werkzeug.exceptions.NotFound()
        return invoice

    @http.route("/my/einvoices/<int:invoice_id>", type="http", auth="user", website=True)
    def portal_my_einvoice(self, invoice_id, **kw):
        invoice = self._own_invoice(invoice_id)
        values = self._prepare_portal_layout_values()
        # sudo: the owner's own invoice (found above as the user); the page shows names they cannot read
        values.update({"invoice": shown_sudo(invoice), "page_name": "ep_einvoice"})
        return request.render("ep_einvoice.portal_my_einvoice", values)

    @http.route("/my/einvoices/<int:invoice_id>/pdf", type="http", auth="user", website=True)
    def portal_my_einvoice_pdf(self, invoice_id, **kw):
        invoice = self._own_invoice(invoice_id)
        # sudo: the owner's own invoice (found above as the user); its files belong to the record
        pdf = invoice.sudo().pdf_id
        if not pdf:
            raise werkzeug.exceptions.NotFound()
        data = base64.b64decode(pdf.sudo().datas)
        return request.make_response(data, headers=[
            ("Content-Type", "application/pdf"), ("Content-Length", str(len(data))),
            ("Content-Disposition", content_disposition(pdf.datas_fname or pdf.name))])
