"""The merchant portal's actions as JSON endpoints for a mobile client (seed 000 §2.4.4 2-4).

Log in with ``/web/session/authenticate`` (JSON-RPC) and keep the session cookie. Every route
answers JSON: 401 not logged in, 403 not an issuer (or not the super admin), 404 not this
merchant's record, 400 bad input with ``{"error": reason}``. POST parameters are form fields
(``application/x-www-form-urlencoded``: Odoo 11 takes ``application/json`` bodies for JSON-RPC) and
every request carries the header ``X-EP-Client`` (any value): a cross-site form cannot send a
custom header and a cross-site script may not without a CORS consent this server never gives,
which is why these routes need no CSRF token.

- ``GET  merchant``                     the merchant, the issuer, the limits and what is left
- ``GET  car?plate=&phone=``            a car in the lot: entry time, fee, the coupon an issue gives
- ``POST issue {plate, phone?, type_id?}``
- ``GET  coupons?state=&plate=&claim_kind=&date_from=&date_to=&offset=&limit=``  + total face value
- ``GET  types``, ``POST purchases {type_id, count, channel_id}``, ``GET purchases``
- ``GET  issuers``, ``POST issuers {phone, name?}``, ``POST issuers/<id>/revoke`` (super admin)
- ``GET  limits``, ``POST limits {period, count}``, ``POST limits/<id>/delete``
- ``GET  campaigns``, ``POST campaigns {name}``, ``POST campaigns/<id>/close``
- ``GET  stats?date_from=&date_to=``    coupons given and used per day
"""
import json

from odoo import _, http
from odoo.addons.ep_parking.controllers.payment import order_url, undo_request
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request

from . import common

PREFIX = "/ep/coupon/api/v1/"
CLIENT_HEADER = "X-EP-Client"


class ApiError(Exception):

    def __init__(self, status, reason):
        super().__init__(reason)
        self.status, self.reason = status, reason


def json_response(data, status=200):
    response = request.make_response(json.dumps(data, ensure_ascii=False),
                                     headers=[("Content-Type", "application/json; charset=utf-8"),
                                              ("Cache-Control", "no-store")])
    response.status_code = status
    return response


def endpoint(route, methods=("GET",), super_admin=False):
    """A JSON route run for the logged-in issuer's authorization (passed as ``auth``)."""

    def decorate(function):
        @http.route(PREFIX + route, type="http", auth="public", methods=list(methods), csrf=False)
        def wrapper(self, **kwargs):
            try:
                self._check_client()
                auth = self._get_auth(super_admin)
                return json_response(function(self, auth, **kwargs))
            except ApiError as error:
                undo_request(request.env)
                return json_response({"error": error.reason}, error.status)
            except AccessError as error:
                undo_request(request.env)
                return json_response({"error": error.name}, 403)
            except (UserError, ValidationError) as error:
                undo_request(request.env)
                return json_response({"error": error.name}, 400)

        wrapper.__name__ = function.__name__
        wrapper.__doc__ = function.__doc__
        return wrapper

    return decorate


class MerchantApi(http.Controller):

    # ------------------------------------------------------------ helpers
    def _check_client(self):
        if not request.httprequest.headers.get(CLIENT_HEADER):
            raise ApiError(403, _("Send the %s header with every request.") % CLIENT_HEADER)

    def _get_auth(self, super_admin=False):
        if not request.session.uid or request.env.user._is_public():
            raise ApiError(401, _("Log in first."))
        auth = common.current_authorization()
        if not auth:
            raise ApiError(403, _("You are not an issuer of any merchant."))
        if super_admin and not auth.is_super:
            raise ApiError(403, _("Only the super admin of the merchant may grant or revoke issuers."))
        return auth

    def _own(self, auth, model, record_id):
        record = common.own_record(auth.merchant_id, model, record_id)
        if not record:
            raise ApiError(404, _("No such record of your merchant."))
        return record

    # ------------------------------------------------------------ merchant and issuing
    @endpoint("merchant")
    def api_merchant(self, auth, **kwargs):
        merchant = auth.merchant_id
        return {"id": merchant.id, "name": merchant.name, "kind": merchant.kind, "state": merchant.state,
                "lot": merchant.lot_id.name, "max_face_value": common.money(merchant.max_face_value),
                "expiry_hours": merchant.expiry_hours, "one_per_car": merchant.one_per_car,
                "issuer": {"phone": auth.phone, "name": auth.name or None, "is_super": auth.is_super},
                "limits": common.limit_dicts(merchant),
                "types": [{"id": t.id, "name": t.name, "face_value": common.money(t.face_value), "available": n}
                          for t, n in merchant._get_available_types()]}

    @endpoint("car")
    def api_car(self, auth, plate=None, phone=None, **kwargs):
        return common.car_dict(auth.merchant_id._get_car_info(plate, phone))

    @endpoint("issue", methods=("POST",))
    def api_issue(self, auth, plate=None, phone=None, type_id=None, **kwargs):
        merchant = auth.merchant_id
        coupon_type = self._own_type(merchant, type_id) if type_id else None
        coupon, warning = merchant._issue_coupon(plate, coupon_type=coupon_type, phone=phone)
        return dict(common.coupon_dict(coupon), warning=warning or None)

    def _own_type(self, merchant, type_id):
        coupon_type = common.own_type(merchant, type_id)
        if not coupon_type:
            raise ApiError(404, _("No such coupon type at your lot."))
        return coupon_type

    @endpoint("coupons")
    def api_coupons(self, auth, offset=None, limit=None, **kwargs):
        merchant = auth.merchant_id
        domain = merchant._get_coupon_domain(**common.coupon_filters(kwargs))
        offset = max(common.parse_int(offset, "offset", 0), 0)
        limit = min(max(common.parse_int(limit, "limit", common.COUPONS_PER_PAGE), 1), 200)
        Coupon = merchant.env["ep.coupon"]
        return {"total": Coupon.search_count(domain),
                "total_face_value": common.money(merchant._get_face_value_total(domain)),
                "coupons": [common.coupon_dict(c) for c in Coupon.search(domain, offset=offset, limit=limit)]}

    # ------------------------------------------------------------ buying
    @endpoint("types")
    def api_types(self, auth, **kwargs):
        merchant = auth.merchant_id
        available = dict((t.id, n) for t, n in merchant._get_available_types())
        types = merchant.env["ep.coupon.type"].search([("lot_id", "=", merchant.lot_id.id), ("kind", "=", "fixed")])
        return {"types": [{"id": t.id, "name": t.name, "face_value": common.money(t.face_value),
                           "purchase_price": common.money(t.purchase_price), "available": available.get(t.id, 0)}
                          for t in types] if merchant.kind == "fixed" else [],
                "channels": [{"id": c.id, "name": c.name} for c in common.purchase_channels(merchant)]}

    @endpoint("purchases", methods=("POST",))
    def api_buy(self, auth, type_id=None, count=None, channel_id=None, **kwargs):
        merchant = auth.merchant_id
        self._own_type(merchant, type_id)
        batch, checkout_url = common.buy(merchant, type_id, count, channel_id)
        return dict(common.batch_dict(batch), checkout_url=checkout_url, status_url=order_url(batch.order_id))

    @endpoint("purchases")
    def api_purchases(self, auth, **kwargs):
        batches = auth.merchant_id.batch_ids
        return {"purchases": [common.batch_dict(b) for b in batches]}

    # ------------------------------------------------------------ issuers
    @endpoint("issuers")
    def api_issuers(self, auth, **kwargs):
        return {"issuers": [{"id": a.id, "phone": a.phone, "name": a.name or None, "is_super": a.is_super}
                            for a in auth.merchant_id.authorization_ids]}

    @endpoint("issuers", methods=("POST",), super_admin=True)
    def api_grant(self, auth, phone=None, name=None, **kwargs):
        new = auth._grant(request.env.user, auth.merchant_id, (phone or "").strip(), name)
        return {"id": new.id, "phone": new.phone, "name": new.name or None, "is_super": new.is_super}

    @endpoint("issuers/<int:auth_id>/revoke", methods=("POST",), super_admin=True)
    def api_revoke(self, auth, auth_id=None, **kwargs):
        self._own(auth, "ep.coupon.authorization", auth_id)._revoke(request.env.user)
        return {"revoked": auth_id}

    # ------------------------------------------------------------ limits
    @endpoint("limits")
    def api_limits(self, auth, **kwargs):
        return {"limits": common.limit_dicts(auth.merchant_id)}

    @endpoint("limits", methods=("POST",))
    def api_set_limit(self, auth, period=None, count=None, **kwargs):
        limit = auth.merchant_id._set_issue_limit(period, common.parse_int(count, _("the number of coupons")))
        return {"id": limit.id, "period": limit.period, "count": limit.count}

    @endpoint("limits/<int:limit_id>/delete", methods=("POST",))
    def api_delete_limit(self, auth, limit_id=None, **kwargs):
        limit = self._own(auth, "ep.coupon.limit", limit_id)
        if limit.kind != "issue":
            raise ApiError(403, _("Purchase limits are set by the parking operator."))
        limit.unlink()
        return {"deleted": limit_id}

    # ------------------------------------------------------------ campaigns and chart
    @endpoint("campaigns")
    def api_campaigns(self, auth, **kwargs):
        Campaign = auth.merchant_id.env["ep.coupon.campaign"].with_context(active_test=False)
        return {"campaigns": [common.campaign_dict(c) for c in Campaign.search(
            [("merchant_id", "=", auth.merchant_id.id)])]}

    @endpoint("campaigns", methods=("POST",))
    def api_create_campaign(self, auth, name=None, **kwargs):
        return common.campaign_dict(auth.merchant_id._create_campaign(name))

    @endpoint("campaigns/<int:campaign_id>/close", methods=("POST",))
    def api_close_campaign(self, auth, campaign_id=None, **kwargs):
        campaign = common.own_record(auth.merchant_id.with_context(active_test=False), "ep.coupon.campaign",
                                     campaign_id)
        if not campaign:
            raise ApiError(404, _("No such record of your merchant."))
        campaign.active = False
        return common.campaign_dict(campaign)

    @endpoint("stats")
    def api_stats(self, auth, date_from=None, date_to=None, **kwargs):
        days = auth.merchant_id._get_daily_stats(*common.stats_range(date_from, date_to))
        return {"days": [dict(day, day=day["day"].isoformat()) for day in days]}
