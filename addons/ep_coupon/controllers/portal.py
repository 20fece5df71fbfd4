"""The merchant portal (商户后台, seed 000 §2.4.4 4) on the Odoo portal, for authorized issuers.

``/my/coupons``: the merchant, its limits and the chart of coupons given and used per day;
``/issue`` a car in the lot (entry time, fee, the coupon it gets); ``/list`` my coupons with filters
and the total face value given; ``/types`` buy coupons (paid through the lot's online channels);
``/orders`` purchases and allocations; ``/issuers`` grant and revoke (super admin only);
``/limits`` purchase limits (read) and issue limits (set); ``/campaigns`` with their QR codes.
See common.py for who acts for which merchant; api.py has the same actions as JSON.
"""
import werkzeug

from odoo import _, http
from odoo.addons.ep_parking.controllers.payment import order_url, undo_request
from odoo.addons.ep_parking.lib import qr
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import content_disposition, request

from . import common


class MerchantPortal(CustomerPortal):

    # ------------------------------------------------------------ helpers
    def _prepare_portal_layout_values(self):
        values = super()._prepare_portal_layout_values()
        values["ep_coupon_merchant"] = common.current_authorization().merchant_id
        return values

    def _auth(self, super_admin=False):
        auth = common.current_authorization()
        if not auth:
            raise werkzeug.exceptions.NotFound()
        if super_admin and not auth.is_super:
            raise werkzeug.exceptions.Forbidden(_("Only the super admin of the merchant may grant or revoke issuers."))
        return auth

    def _render(self, page, auth, **values):
        merchant = auth.merchant_id
        values = dict(self._prepare_portal_layout_values(), auth=auth, merchant=merchant, page_name="ep_coupon",
                      coupon_page=page, currency=merchant.currency_id, local_time=common.local_time,
                      money=common.money, **values)
        return request.render("ep_coupon.portal_merchant_%s" % page, values)

    def _attempt(self, page, auth, action, **values):
        """``(result, None)``, or on a refusal ``(None, the page with the reason)`` with the writes undone."""
        try:
            return action(), None
        except (UserError, ValidationError, AccessError) as error:
            undo_request(request.env)
            return None, self._render(page, auth, error=error.name, **values)

    def _png(self, url, filename):
        data = qr.qr_png(url)
        return request.make_response(data, headers=[
            ("Content-Type", "image/png"), ("Content-Length", str(len(data))),
            ("Content-Disposition", content_disposition(filename)), ("Cache-Control", "no-store")])

    # ------------------------------------------------------------ home and chart
    @http.route("/my/coupons", type="http", auth="user", website=True, methods=["GET"])
    def portal_merchant_home(self, date_from=None, date_to=None, **kwargs):
        auth = self._auth()
        try:
            start, end = common.stats_range(date_from, date_to)
            days, error = auth.merchant_id._get_daily_stats(start, end), None
        except UserError as exc:
            (start, end), error = common.stats_range(), exc.name
            days = auth.merchant_id._get_daily_stats(start, end)
        top = max([max(d["issued"], d["used"]) for d in days] + [1])
        return self._render("home", auth, days=days, top=top, date_from=start, date_to=end, error=error,
                            limits=common.limit_dicts(auth.merchant_id),
                            types=auth.merchant_id._get_available_types())

    @http.route("/my/coupons/qr.png", type="http", auth="user", website=True, methods=["GET"])
    def portal_merchant_qr(self, **kwargs):
        merchant = self._auth().merchant_id
        return self._png(merchant.claim_url, qr.material_filename(merchant.name, _("Coupon")))

    # ------------------------------------------------------------ issue
    @http.route("/my/coupons/issue", type="http", auth="user", website=True, methods=["GET"])
    def portal_merchant_issue_form(self, plate=None, phone=None, **kwargs):
        auth = self._auth()
        values = {"plate": plate or "", "phone": phone or "", "types": auth.merchant_id._get_available_types(),
                  "limits": common.limit_dicts(auth.merchant_id)}
        if plate:
            try:
                values["info"] = auth.merchant_id._get_car_info(plate, phone)
            except UserError as exc:
                values["error"] = exc.name
        return self._render("issue", auth, **values)

    @http.route("/my/coupons/issue", type="http", auth="user", website=True, methods=["POST"])
    def portal_merchant_issue(self, plate=None, phone=None, type_id=None, **kwargs):
        auth = self._auth()
        merchant = auth.merchant_id

        def issue():
            coupon_type = common.own_type(merchant, type_id) if type_id else None
            if type_id and not coupon_type:
                raise UserError(_("No such coupon type at your lot."))
            return merchant._issue_coupon(plate, coupon_type=coupon_type, phone=phone)

        values = {"plate": plate or "", "phone": phone or "", "types": merchant._get_available_types(),
                  "limits": common.limit_dicts(merchant)}
        result, refusal = self._attempt("issue", auth, issue, **values)
        if refusal:
            return refusal
        coupon, warning = result
        values.update(types=merchant._get_available_types(), limits=common.limit_dicts(merchant))
        return self._render("issue", auth, issued=coupon, warning=warning, **values)

    # ------------------------------------------------------------ my coupons
    @http.route(["/my/coupons/list", "/my/coupons/list/page/<int:page>"], type="http", auth="user",
                website=True, methods=["GET"])
    def portal_merchant_coupons(self, page=1, **kwargs):
        auth = self._auth()
        merchant = auth.merchant_id
        try:
            filters, error = common.coupon_filters(kwargs), None
        except UserError as exc:
            filters, error = common.coupon_filters({}), exc.name
        domain = merchant._get_coupon_domain(**filters)
        Coupon = merchant.env["ep.coupon"]
        total = Coupon.search_count(domain)
        args = {key: kwargs[key] for key in ("state", "plate", "claim_kind", "date_from", "date_to") if kwargs.get(key)}
        pager = portal_pager(url="/my/coupons/list", url_args=args, total=total, page=page,
                             step=common.COUPONS_PER_PAGE)
        coupons = Coupon.search(domain, limit=common.COUPONS_PER_PAGE, offset=pager["offset"])
        return self._render("coupons", auth, coupons=coupons, pager=pager, total=total, args=args, error=error,
                            total_face_value=merchant._get_face_value_total(domain),
                            states=Coupon._fields["state"].selection,
                            claim_kinds=Coupon._fields["claim_kind"].selection)

    # ------------------------------------------------------------ types, buying, orders
    def _types_values(self, merchant):
        types = merchant.env["ep.coupon.type"].search([("lot_id", "=", merchant.lot_id.id), ("kind", "=", "fixed")])
        return {"coupon_types": types if merchant.kind == "fixed" else types.browse(),
                "available": dict((t.id, n) for t, n in merchant._get_available_types()),
                "channels": common.purchase_channels(merchant)}

    @http.route("/my/coupons/types", type="http", auth="user", website=True, methods=["GET"])
    def portal_merchant_types(self, **kwargs):
        auth = self._auth()
        return self._render("types", auth, **self._types_values(auth.merchant_id))

    @http.route("/my/coupons/buy", type="http", auth="user", website=True, methods=["POST"])
    def portal_merchant_buy(self, type_id=None, count=None, channel_id=None, **kwargs):
        auth = self._auth()
        merchant = auth.merchant_id

        def buy():
            return common.buy(merchant, type_id, count, channel_id)[1]

        url, refusal = self._attempt("types", auth, buy, **self._types_values(merchant))
        return refusal or request.redirect(url)

    @http.route("/my/coupons/orders", type="http", auth="user", website=True, methods=["GET"])
    def portal_merchant_orders(self, **kwargs):
        auth = self._auth()
        return self._render("orders", auth, batches=auth.merchant_id.batch_ids, order_url=order_url)

    # ------------------------------------------------------------ issuers (super admin)
    @http.route("/my/coupons/issuers", type="http", auth="user", website=True, methods=["GET"])
    def portal_merchant_issuers(self, **kwargs):
        return self._render("issuers", self._auth())

    @http.route("/my/coupons/issuers/grant", type="http", auth="user", website=True, methods=["POST"])
    def portal_merchant_grant(self, phone=None, name=None, **kwargs):
        auth = self._auth(super_admin=True)
        phone = (phone or "").strip()
        _new, refusal = self._attempt("issuers", auth, lambda: auth._grant(request.env.user, auth.merchant_id,
                                                                            phone, name))
        return refusal or self._render("issuers", auth, message=_("The phone %s may now issue coupons.") % phone)

    @http.route("/my/coupons/issuers/<int:auth_id>/revoke", type="http", auth="user", website=True,
                methods=["POST"])
    def portal_merchant_revoke(self, auth_id, **kwargs):
        auth = self._auth(super_admin=True)
        target = common.own_record(auth.merchant_id, "ep.coupon.authorization", auth_id)
        if not target:
            raise werkzeug.exceptions.NotFound()
        phone = target.phone
        _done, refusal = self._attempt("issuers", auth, lambda: target._revoke(request.env.user))
        return refusal or self._render("issuers", auth,
                                       message=_("The phone %s may no longer issue coupons.") % phone)

    # ------------------------------------------------------------ limits
    @http.route("/my/coupons/limits", type="http", auth="user", website=True, methods=["GET"])
    def portal_merchant_limits(self, **kwargs):
        auth = self._auth()
        return self._render("limits", auth, limits=common.limit_dicts(auth.merchant_id))

    @http.route("/my/coupons/limits/set", type="http", auth="user", website=True, methods=["POST"])
    def portal_merchant_set_limit(self, period=None, count=None, **kwargs):
        auth = self._auth()
        merchant = auth.merchant_id
        _limit, refusal = self._attempt("limits", auth, lambda: merchant._set_issue_limit(
            period, common.parse_int(count, _("the number of coupons"))), limits=common.limit_dicts(merchant))
        return refusal or self._render("limits", auth, limits=common.limit_dicts(merchant),
                                       message=_("The issue limit is saved."))

    @http.route("/my/coupons/limits/<int:limit_id>/delete", type="http", auth="user", website=True,
                methods=["POST"])
    def portal_merchant_delete_limit(self, limit_id, **kwargs):
        auth = self._auth()
        limit = common.own_record(auth.merchant_id, "ep.coupon.limit", limit_id)
        if not limit:
            raise werkzeug.exceptions.NotFound()
        if limit.kind != "issue":
            raise werkzeug.exceptions.Forbidden(_("Purchase limits are set by the parking operator."))
        limit.unlink()
        return self._render("limits", auth, limits=common.limit_dicts(auth.merchant_id),
                            message=_("The issue limit is deleted."))

    # ------------------------------------------------------------ campaigns
    def _campaigns(self, merchant):
        return merchant.env["ep.coupon.campaign"].with_context(active_test=False).search(
            [("merchant_id", "=", merchant.id)])

    @http.route("/my/coupons/campaigns", type="http", auth="user", website=True, methods=["GET"])
    def portal_merchant_campaigns(self, **kwargs):
        auth = self._auth()
        return self._render("campaigns", auth, campaigns=self._campaigns(auth.merchant_id))

    @http.route("/my/coupons/campaigns/create", type="http", auth="user", website=True, methods=["POST"])
    def portal_merchant_create_campaign(self, name=None, **kwargs):
        auth = self._auth()
        merchant = auth.merchant_id
        campaign, refusal = self._attempt("campaigns", auth, lambda: merchant._create_campaign(name),
                                          campaigns=self._campaigns(merchant))
        return refusal or self._render("campaigns", auth, campaigns=self._campaigns(merchant),
                                       message=_("The campaign %s is created.") % campaign.name)

    @http.route("/my/coupons/campaigns/<int:campaign_id>/qr.png", type="http", auth="user", website=True,
                methods=["GET"])
    def portal_merchant_campaign_qr(self, campaign_id, **kwargs):
        auth = self._auth()
        campaign = self._campaigns(auth.merchant_id).filtered(lambda c: c.id == campaign_id)
        if not campaign:
            raise werkzeug.exceptions.NotFound()
        return self._png(campaign.qr_url, qr.material_filename(auth.merchant_id.name, campaign.name))
