"""What the merchant portal pages (portal.py) and the JSON endpoints (api.py) share.

The logged-in user acts for the one merchant whose issuer they are (one phone, one merchant): it is
found from their authorization, never from a request parameter, so nobody can act for another
merchant. Portal users read only their merchant's records (record rules); writes go through the
merchant's methods as superuser after the checks here (sudo: portal users have no write access).
"""
from datetime import datetime, timedelta

from odoo import SUPERUSER_ID, _
from odoo.addons.ep_parking.controllers.payment import offered_channels, order_url
from odoo.addons.ep_parking.models.ep_parking_tariff import monetary_to_decimal, to_lot_time
from odoo.exceptions import UserError
from odoo.http import request

COUPONS_PER_PAGE = 30
STATS_DEFAULT_DAYS = 14


def current_authorization():
    """The issuer authorization of the logged-in user, or an empty recordset."""
    user = request.env.user
    if not request.session.uid or user._is_public():
        return request.env["ep.coupon.authorization"].browse()
    # sudo: the user's own authorization, found by their user id (see the module docstring)
    return request.env(user=SUPERUSER_ID)["ep.coupon.authorization"].search([("user_id", "=", user.id)], limit=1)


def own_record(merchant, model, record_id):
    """``model`` record ``record_id`` when it belongs to ``merchant``, else an empty recordset."""
    try:
        record_id = int(record_id)
    except (TypeError, ValueError):
        return merchant.env[model].browse()
    return merchant.env[model].search([("id", "=", record_id), ("merchant_id", "=", merchant.id)], limit=1)


def own_type(merchant, type_id):
    """The coupon type ``type_id`` of the merchant's lot, or an empty recordset."""
    return merchant.env["ep.coupon.type"].search([
        ("id", "=", parse_int(type_id, _("the coupon type"))), ("lot_id", "=", merchant.lot_id.id)])


def purchase_channels(merchant):
    return offered_channels(merchant.lot_id, 1, kind="coupon")


def purchase_channel(merchant, channel_id):
    """The online channel ``channel_id`` the merchant may pay a purchase with; UserError otherwise."""
    channels = purchase_channels(merchant)
    channel = channels.filtered(lambda c: str(c.id) == str(channel_id or ""))
    if not channel:
        raise UserError(_("Choose how to pay: %s.") % ", ".join(channels.mapped("name")) if channels
                        else _("The lot %s takes no online payment for coupons.") % merchant.lot_id.name)
    return channel


def buy(merchant, type_id, count, channel_id):
    """A purchase (§2.4.4 4 C) handed to its channel: ``(batch, URL the merchant pays at)``."""
    coupon_type = own_type(merchant, type_id)
    if not coupon_type:
        raise UserError(_("No such coupon type at your lot."))
    batch = merchant._buy(coupon_type, parse_int(count, _("the number of coupons")),
                          purchase_channel(merchant, channel_id))
    status_url = order_url(batch.order_id)
    return batch, batch.order_id.action_start_payment(status_url) or status_url


def parse_int(value, label, default=None):
    if value in (None, ""):
        if default is not None:
            return default
        raise UserError(_("Enter %s.") % label)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise UserError(_("%s must be a whole number.") % label) from None


def parse_day(value, default=None):
    if not value:
        return default
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except (TypeError, ValueError):
        raise UserError(_("Dates are written YYYY-MM-DD.")) from None


def stats_range(date_from=None, date_to=None):
    today = to_lot_time(datetime.utcnow().strftime("%Y-%m-%d %H:%M:%S")).date()
    date_to = parse_day(date_to, today)
    date_from = parse_day(date_from, date_to - timedelta(days=STATS_DEFAULT_DAYS - 1))
    return date_from, date_to


def coupon_filters(params):
    """The "my coupons" filters from request parameters (state, plate, claim kind, lot days)."""
    Coupon = request.env["ep.coupon"]
    state = params.get("state") if params.get("state") in dict(Coupon._fields["state"].selection) else None
    kind = params.get("claim_kind")
    kind = kind if kind in dict(Coupon._fields["claim_kind"].selection) else None
    return {"state": state, "plate": (params.get("plate") or "").strip() or None, "claim_kind": kind,
            "date_from": parse_day(params.get("date_from")), "date_to": parse_day(params.get("date_to"))}


def local_time(value):
    """A stored UTC datetime as the lot's local time text."""
    return to_lot_time(value).strftime("%Y-%m-%d %H:%M:%S") if value else None


def money(value):
    return str(monetary_to_decimal(value))


def coupon_dict(coupon):
    return {"id": coupon.id, "code": coupon.name, "plate": coupon.plate, "type": coupon.type_id.name,
            "face_value": money(coupon.face_value), "amount_applied": money(coupon.amount_applied),
            "state": coupon.state, "claim_kind": coupon.claim_kind or None,
            "campaign": coupon.campaign_id.name or None, "claimed_at": local_time(coupon.claimed_at),
            "expires_at": local_time(coupon.expires_at), "used_at": local_time(coupon.used_at)}


def batch_dict(batch):
    return {"id": batch.id, "name": batch.name, "type": batch.type_id.name, "count": batch.count,
            "issued": batch.used_count, "price": money(batch.price), "amount": money(batch.amount),
            "source": batch.source, "state": batch.state, "created_at": local_time(batch.create_date),
            "order_id": batch.order_id.id or None, "order_state": batch.order_id.state or None}


def limit_dicts(merchant):
    rows = []
    for status in merchant._get_limit_status():
        limit = status["limit"]
        amount = limit._is_amount()
        value = money if amount else int
        rows.append({"id": limit.id, "kind": limit.kind, "period": limit.period,
                     "measure": "amount" if amount else "count", "allowed": value(status["allowed"]),
                     "used": value(status["used"]),
                     "left": value(status["left"]) if status["left"] is not None else None})
    return rows


def car_dict(info):
    return {"plate": info["plate"], "entry_time": local_time(info["entry_time"]), "fee": money(info["fee"]),
            "amount_due": money(info["amount_due"]), "coupon_type_id": info["suggested_type"].id or None,
            "coupon_amount": money(info["amount"]), "warning": info["warning"] or None,
            "coupons": [{"name": c["name"], "amount": money(c["amount"])} for c in info["coupons"]]}


def campaign_dict(campaign):
    return {"id": campaign.id, "name": campaign.name, "active": campaign.active, "claim_url": campaign.qr_url,
            "qr_png": "/my/coupons/campaigns/%s/qr.png" % campaign.id}
