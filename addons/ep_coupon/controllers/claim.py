"""Drivers claim a coupon by scanning a merchant's QR code (用户扫码, seed 000 §2.4.4 2 A) or a
campaign poster's (活动扫码, §2.4.4 4 F).

``/ep/coupon/m/<merchant claim token>`` and ``/ep/coupon/c/<campaign token>``: the merchant, a
plate field, "Claim". The car must be in the merchant's lot. An unplated car gets its coupon only in
the browser that scanned the entry QR code (the visit kept in its session, §2.2.4): that is the
phone the coupon goes to. A car holding an unused coupon of the merchant claims no second one.

Visitors are anonymous: records are read as superuser (payment.public_env) and what a visitor
may reach is decided by the random token in the URL.
"""
import werkzeug

from odoo import _, http
from odoo.addons.ep_parking.controllers import payment
from odoo.addons.ep_parking.controllers.unplated import session_open_visit
from odoo.addons.ep_parking.lib.plate import is_unplated, normalize_plate
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools import consteq

from . import common


class CouponClaimPages(http.Controller):

    def _merchant(self, token):
        Merchant = payment.public_env()["ep.coupon.merchant"]
        merchant = Merchant.search([("claim_token", "=", token or "")], limit=1) if token else Merchant
        if not merchant or not consteq(merchant.claim_token, token) or merchant.state != "active":
            raise werkzeug.exceptions.NotFound()
        return merchant

    def _campaign(self, token):
        Campaign = payment.public_env()["ep.coupon.campaign"].with_context(active_test=False)
        campaign = Campaign.search([("token", "=", token or "")], limit=1) if token else Campaign
        if not campaign or not consteq(campaign.token, token) or campaign.merchant_id.state != "active":
            raise werkzeug.exceptions.NotFound()
        return campaign

    def _render(self, merchant, campaign=None, **values):
        visit = session_open_visit(merchant.lot_id)
        return request.render("ep_coupon.coupon_claim_page", dict(
            values, merchant=merchant, campaign=campaign, lot=merchant.lot_id, unplated_visit=visit,
            action=request.httprequest.path, local_time=common.local_time, money=common.money,
            currency=merchant.currency_id))

    def _claim(self, merchant, campaign, plate):
        plate = normalize_plate(plate or "")
        phone = None
        if is_unplated(plate):
            visit = session_open_visit(merchant.lot_id)
            phone = visit.phone if visit and visit.plate == plate else None
            if not phone:
                return self._render(merchant, campaign, plate=plate, error=_(
                    "The coupon of an unplated car goes only to the phone that scanned at entry: claim it in "
                    "the browser you entered with."))
        try:
            if campaign:
                coupon, _warning = campaign._claim(plate, phone=phone)
            else:
                coupon, _warning = merchant._issue_coupon(plate, phone=phone, claim_kind="user_scan")
        except UserError as exc:
            payment.undo_request(merchant.env)
            return self._render(merchant, campaign, plate=plate, error=exc.name)
        return self._render(merchant, campaign, plate=plate, coupon=coupon)

    @http.route("/ep/coupon/m/<string:token>", type="http", auth="public", website=True, methods=["GET", "POST"])
    def merchant_claim(self, token, plate=None, **kwargs):
        merchant = self._merchant(token)
        if request.httprequest.method == "POST":
            return self._claim(merchant, None, plate)
        return self._render(merchant, plate=plate or "")

    @http.route("/ep/coupon/c/<string:token>", type="http", auth="public", website=True, methods=["GET", "POST"])
    def campaign_claim(self, token, plate=None, **kwargs):
        campaign = self._campaign(token)
        if not campaign.active:
            return self._render(campaign.merchant_id, campaign, ended=True)
        if request.httprequest.method == "POST":
            return self._claim(campaign.merchant_id, campaign, plate)
        return self._render(campaign.merchant_id, campaign, plate=plate or "")
