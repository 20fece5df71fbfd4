"""Owners only ever reach their own records: every ``/my/...`` route and every JSON endpoint of the
owner and merchant portals, tried over HTTP by a second owner with the first owner's ids, answers
403 or 404 (JSON endpoints with a JSON reason), and the list pages show none of the first owner's
rows.

The routes are read from the controllers' source, so a new ``/my`` route or JSON endpoint fails
``test_every_owner_route_is_covered`` until a case below tries it.
"""
import base64
import re
import secrets
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Ep-Second-Owner-2026!"
API = "/ep/coupon/api/v1/"
DENIED = (403, 404)


def declared_routes():
    """(method, path) of every ``/my`` route and coupon API endpoint in the controllers."""
    routes = set()
    for source in sorted(ROOT.glob("addons/*/controllers/*.py")):
        text = source.read_text(encoding="utf-8")
        for match in re.finditer(r"@http\.route\(([^)]*)\)", text, re.S):
            args = match.group(1)
            methods = re.findall(r'"(GET|POST)"', args.split("methods=")[1]) if "methods=" in args else ["GET"]
            for path in re.findall(r'"(/my[^"]*)"', args):
                routes.update((method, path) for method in methods)
        for match in re.finditer(r'@endpoint\("([^"]+)"(?:, methods=\(([^)]*)\))?', text):
            methods = re.findall(r'"(GET|POST)"', match.group(2) or '"GET"')
            routes.update((method, API + match.group(1)) for method in methods)
    return routes


# Routes answering 403/404 to the second owner: (method, route) -> (path, form data), with {ids} of the
# first owner's records filled in.
DENIED_CASES = {
    ("GET", "/my/monthcards/<int:card_id>"): ("/my/monthcards/{card}", None),
    ("POST", "/my/monthcards/<int:card_id>/lock"): ("/my/monthcards/{card}/lock", {"operation": "lock"}),
    ("GET", "/my/monthcards/<int:card_id>/renew"): ("/my/monthcards/{card}/renew", None),
    ("POST", "/my/monthcards/<int:card_id>/renew"): ("/my/monthcards/{card}/renew",
                                                      {"periods": "1", "channel_id": "{channel}"}),
    ("GET", "/my/monthcards/<int:card_id>/quote"): ("/my/monthcards/{card}/quote?periods=1", None),
    ("GET", "/my/monthcard/applications/<int:application_id>"): ("/my/monthcard/applications/{application}",
                                                                  None),
    ("GET", "/my/einvoices/<int:invoice_id>"): ("/my/einvoices/{invoice}", None),
    ("GET", "/my/einvoices/<int:invoice_id>/pdf"): ("/my/einvoices/{invoice}/pdf", None),
    ("GET", "/my/einvoice/new"): ("/my/einvoice/new?order_ids={order}", None),
    ("POST", "/my/einvoice/new"): ("/my/einvoice/new", {"order_ids": "{order}", "buyer_kind": "personal",
                                                        "buyer_name": "Second", "buyer_email": "second@example.com"}),
    ("GET", "/my/emergency-open/<int:request_id>"): ("/my/emergency-open/{emergency}", None),
    ("POST", "/my/emergency-open/<int:request_id>/code"): ("/my/emergency-open/{emergency}/code",
                                                            {"code": "{emergency_code}"}),
    ("POST", "/my/emergency-open"): ("/my/emergency-open", {"card_id": "{card}", "gate_id": "{gate}"}),
    ("POST", "/my/vehicles/<int:vehicle_id>/remove"): ("/my/vehicles/{vehicle}/remove", {}),
    ("POST", "/my/reservations/<int:reservation_id>/cancel"): ("/my/reservations/{reservation}/cancel", {}),
    ("POST", "/my/locks/share"): ("/my/locks/share", {"lock_id": "{lock}", "plate": "粤B20001",
                                                      "phone": "13900000000", "date_start": "2030-01-01T08:00",
                                                      "date_end": "2030-01-01T18:00"}),
    ("POST", "/my/charging/topup"): ("/my/charging/topup", {"card_id": "{charging_card}", "amount": "10",
                                                            "channel_id": "{channel}"}),
    ("POST", "/my/charging/pay"): ("/my/charging/pay", {"key": "occupancy", "record_id": "{occupancy}",
                                                        "channel_id": "{channel}"}),
    # the merchant portal: the second owner is nobody's issuer
    ("GET", "/my/coupons"): ("/my/coupons", None),
    ("GET", "/my/coupons/qr.png"): ("/my/coupons/qr.png", None),
    ("GET", "/my/coupons/issue"): ("/my/coupons/issue?plate=粤B55503", None),
    ("POST", "/my/coupons/issue"): ("/my/coupons/issue", {"plate": "粤B55503"}),
    ("GET", "/my/coupons/list"): ("/my/coupons/list", None),
    ("GET", "/my/coupons/list/page/<int:page>"): ("/my/coupons/list/page/2", None),
    ("GET", "/my/coupons/types"): ("/my/coupons/types", None),
    ("POST", "/my/coupons/buy"): ("/my/coupons/buy", {"type_id": "{coupon_type}", "count": "1"}),
    ("GET", "/my/coupons/orders"): ("/my/coupons/orders", None),
    ("GET", "/my/coupons/issuers"): ("/my/coupons/issuers", None),
    ("POST", "/my/coupons/issuers/grant"): ("/my/coupons/issuers/grant", {"phone": "13900000001"}),
    ("POST", "/my/coupons/issuers/<int:auth_id>/revoke"): ("/my/coupons/issuers/{issuer}/revoke", {}),
    ("GET", "/my/coupons/limits"): ("/my/coupons/limits", None),
    ("POST", "/my/coupons/limits/set"): ("/my/coupons/limits/set", {"period": "day", "count": "1"}),
    ("POST", "/my/coupons/limits/<int:limit_id>/delete"): ("/my/coupons/limits/{limit}/delete", {}),
    ("GET", "/my/coupons/campaigns"): ("/my/coupons/campaigns", None),
    ("POST", "/my/coupons/campaigns/create"): ("/my/coupons/campaigns/create", {"name": "Mine"}),
    ("GET", "/my/coupons/campaigns/<int:campaign_id>/qr.png"): ("/my/coupons/campaigns/{campaign}/qr.png", None),
}
# JSON endpoints (the merchant app's API): refused with a JSON reason.
API_CASES = {
    ("GET", API + "merchant"): ("merchant", None), ("GET", API + "car"): ("car?plate=粤B55503", None),
    ("POST", API + "issue"): ("issue", {"plate": "粤B55503"}), ("GET", API + "coupons"): ("coupons", None),
    ("GET", API + "types"): ("types", None), ("POST", API + "purchases"): ("purchases", {"type_id": "{coupon_type}"}),
    ("GET", API + "purchases"): ("purchases", None), ("GET", API + "issuers"): ("issuers", None),
    ("POST", API + "issuers"): ("issuers", {"phone": "13900000001"}),
    ("POST", API + "issuers/<int:auth_id>/revoke"): ("issuers/{issuer}/revoke", {}),
    ("GET", API + "limits"): ("limits", None), ("POST", API + "limits"): ("limits", {"period": "day"}),
    ("POST", API + "limits/<int:limit_id>/delete"): ("limits/{limit}/delete", {}),
    ("GET", API + "campaigns"): ("campaigns", None), ("POST", API + "campaigns"): ("campaigns", {"name": "Mine"}),
    ("POST", API + "campaigns/<int:campaign_id>/close"): ("campaigns/{campaign}/close", {}),
    ("GET", API + "stats"): ("stats", None),
}
# Pages of the second owner's own lists and forms: they answer, with none of the first owner's rows.
OWN_PAGES = {
    ("GET", "/my/monthcards"): "/my/monthcards",
    ("GET", "/my/monthcards/find"): "/my/monthcards/find",
    ("POST", "/my/monthcards/find"): None,  # test_lookups_do_not_reveal_other_owners
    ("GET", "/my/monthcard/applications"): "/my/monthcard/applications",
    ("GET", "/my/monthcard/applications/page/<int:page>"): "/my/monthcard/applications/page/1",
    ("GET", "/my/monthcard/applications/new"): "/my/monthcard/applications/new",
    ("POST", "/my/monthcard/applications/new"): None,  # makes the second owner's own application
    ("GET", "/my/einvoices"): "/my/einvoices",
    ("GET", "/my/einvoices/page/<int:page>"): "/my/einvoices/page/1",
    ("GET", "/my/emergency-open"): "/my/emergency-open",
    ("GET", "/my/vehicles"): "/my/vehicles",
    ("POST", "/my/vehicles/add"): None,  # test_lookups_do_not_reveal_other_owners
    ("GET", "/my/reservations"): "/my/reservations",
    ("POST", "/my/reservations/new"): None,  # makes the second owner's own reservation
    ("GET", "/my/parking/orders"): "/my/parking/orders",
    ("GET", "/my/parking/orders/page/<int:page>"): "/my/parking/orders/page/1",
    ("GET", "/my/locks"): "/my/locks",
    ("GET", "/my/charging"): "/my/charging",
    ("GET", "/my/held-coupons"): "/my/held-coupons",
}


@pytest.fixture(scope="module")
def first_owner(transaction):
    """The demo owner ``portal``'s records (and other owners' where the demo gives ``portal`` none),
    one of each kind a route takes, created where the demo has none."""
    with transaction() as env:
        partner = env.ref("base.partner_demo_portal")
        lot = env["ep.parking.lot"]._find_by_code("SZ-001")
        card = env.ref("ep_monthcard.monthcard_portal_sz001_demo")
        gate = env["ep.device"].search([("lot_id", "=", lot.id), ("kind", "=", "gate")], limit=1)
        emergency = env["ep.monthcard.emergency.open"]._request(card, gate, partner)
        cash = env.ref("ep_parking.payment_method_cash")
        order = env["ep.parking.order"].create({
            "kind": "temporary", "lot_id": lot.id, "amount": 12.0, "plate": "粤B20001", "channel_id": cash.id,
            "partner_id": partner.id})
        order._set_paid("CASH-ACCESS-%s" % secrets.token_hex(6))
        paid = env["ep.parking.order"].create({
            "kind": "temporary", "lot_id": lot.id, "amount": 13.0, "plate": "粤B20001", "channel_id": cash.id,
            "partner_id": partner.id})
        paid._set_paid("CASH-ACCESS-%s" % secrets.token_hex(6))
        invoice = env["ep.einvoice.invoice"].sudo(env.ref("base.demo_user0"))._request_by_owner(
            paid.ids, {"personal": True, "name": "Portal", "email": "portal-owner@example.com"})
        merchant = env.ref("ep_coupon.merchant_fixed_demo")
        ids = {
            "card": card.id, "gate": gate.id, "emergency": emergency.id, "emergency_code": emergency.code,
            "order": order.id, "invoice": invoice[:1].id,
            "application": env["ep.monthcard.application"].search([("partner_id", "=", partner.id)], limit=1).id,
            "vehicle": env.ref("ep_parking.vehicle_portal_demo").id,
            "vehicle_plate": env.ref("ep_parking.vehicle_portal_demo").plate,
            "reservation": env.ref("ep_parking.reservation_portal_demo").id,
            "reservation_plate": env.ref("ep_parking.reservation_portal_demo").plate,
            "lock": env["ep.parking.space.lock"].search([("lock_code", "=", "00190014")]).id,
            "lock_token": env["ep.parking.space.lock"].search([("lock_code", "=", "00190014")]).qr_token,
            "charging_card": env["ep.charging.card"].search([("kind", "=", "electronic")], limit=1).id,
            "occupancy": env["ep.charging.occupancy"].search([], limit=1).id,
            "channel": env.ref("ep_parking.payment_method_wechat").id,
            "coupon_type": env["ep.coupon.type"].search([], limit=1).id,
            "issuer": env["ep.coupon.authorization"].search([("merchant_id", "=", merchant.id)], limit=1).id,
            "limit": env["ep.coupon.limit"].search([], limit=1).id,
            "campaign": env["ep.coupon.campaign"].search([], limit=1).id,
            "order_name": order.name, "invoice_number": invoice[:1].number,
        }
    missing = [key for key, value in ids.items() if not value]
    assert not missing, "the demo data lack: %s" % missing
    return ids


def log_in(server_url, login, password, name):
    session = requests.Session()
    page = session.get(server_url + "/web/login", timeout=120)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    session.post(server_url + "/web/login", data={"login": login, "password": password, "csrf_token": token},
                 timeout=120)  # answers a page whose script moves on: the session is what counts
    home = session.get(server_url + "/my", timeout=120)
    assert home.status_code == 200 and name in home.text, "%s is not logged in" % login
    session.csrf = re.search(r'name="csrf_token" value="([^"]+)"', session.get(
        server_url + "/my/vehicles", timeout=120).text).group(1)
    return session


@pytest.fixture(scope="module")
def second_owner(server_url, transaction, first_owner):
    """A logged-in browser session of another owner (a portal user with a phone of their own)."""
    login = "second-owner-%s" % secrets.token_hex(4)
    with transaction() as env:
        user = env["res.users"].with_context(no_reset_password=True).create({
            "name": "Second Owner", "login": login, "password": PASSWORD,
            "groups_id": [(6, 0, [env.ref("base.group_portal").id])]})
        user.partner_id.mobile = "139%08d" % secrets.randbelow(10 ** 8)
    return log_in(server_url, login, PASSWORD, "Second Owner")


def fill(value, ids):
    return value.format(**ids) if isinstance(value, str) else value


def attempt(session, server_url, method, path, data, ids, headers=None):
    url = server_url + fill(path, ids)
    if method == "GET":
        return session.get(url, timeout=120, allow_redirects=False, headers=headers)
    form = {key: fill(value, ids) for key, value in (data or {}).items()}
    form["csrf_token"] = session.csrf
    return session.post(url, data=form, timeout=120, allow_redirects=False, headers=headers)


def test_every_owner_route_is_covered():
    declared = declared_routes()
    assert len(declared) > 60, "the route scan found too little: %s" % sorted(declared)
    covered = set(DENIED_CASES) | set(API_CASES) | set(OWN_PAGES)
    assert not declared - covered, "routes no case tries: %s" % sorted(declared - covered)
    assert not covered - declared, "cases of routes that are gone: %s" % sorted(covered - declared)


@pytest.mark.parametrize("route", sorted(DENIED_CASES), ids=" ".join)
def test_second_owner_is_refused_the_first_owners_records(route, server_url, first_owner, second_owner):
    path, data = DENIED_CASES[route]
    answer = attempt(second_owner, server_url, route[0], path, data, first_owner)
    assert answer.status_code in DENIED, (route, answer.status_code, answer.text[:300])
    assert first_owner["order_name"] not in answer.text and first_owner["invoice_number"] not in answer.text


# The same GET requests as the first owner: answered, so the refusals above are about ownership.
OWNER_GETS = [route for route in DENIED_CASES if route[0] == "GET" and not route[1].startswith("/my/coupons")]


@pytest.mark.parametrize("route", sorted(OWNER_GETS), ids=" ".join)
def test_first_owner_reaches_the_same_records(route, server_url, first_owner):
    session = log_in(server_url, "portal", "portal", "Demo Portal User")
    path, data = DENIED_CASES[route]
    answer = attempt(session, server_url, "GET", path, data, first_owner)
    assert answer.status_code == 200, (route, answer.status_code, answer.text[:300])


@pytest.mark.parametrize("route", sorted(API_CASES), ids=" ".join)
def test_second_owner_is_refused_by_the_json_api(route, server_url, first_owner, second_owner):
    path, data = API_CASES[route]
    answer = attempt(second_owner, server_url, route[0], API + path, data, first_owner,
                     headers={"X-EP-Client": "access-test"})
    assert answer.status_code in (401,) + DENIED, (route, answer.status_code, answer.text[:300])
    assert answer.headers["Content-Type"].startswith("application/json")
    assert answer.json()["error"]


@pytest.mark.parametrize("route", sorted(route for route, path in OWN_PAGES.items() if path), ids=" ".join)
def test_second_owners_pages_show_none_of_the_first_owners_rows(route, server_url, first_owner, second_owner):
    answer = attempt(second_owner, server_url, "GET", OWN_PAGES[route], None, first_owner)
    assert answer.status_code == 200, (route, answer.status_code, answer.text[:300])
    for secret in ("order_name", "invoice_number", "vehicle_plate", "reservation_plate"):
        assert first_owner[secret] not in answer.text, (route, secret)
    assert "/my/monthcards/%s/" % first_owner["card"] not in answer.text
    assert first_owner["lock_token"] not in answer.text, "the first owner's space lock"


def test_lookups_do_not_reveal_other_owners(server_url, transaction, first_owner, second_owner):
    """Forms that take a plate: the first owner's plate neither moves to the second owner nor
    leads to the first owner's card."""
    with transaction(commit=False) as env:
        lot_id = env["ep.parking.lot"]._find_by_code("SZ-001").id
    added = attempt(second_owner, server_url, "POST", "/my/vehicles/add",
                    {"plate_province": "粤", "plate": first_owner["vehicle_plate"][1:], "kind": "small"}, first_owner)
    assert added.status_code == 200 and "registered to another owner" in added.text
    found = attempt(second_owner, server_url, "POST", "/my/monthcards/find",
                    {"lot_id": str(lot_id), "plate_province": "粤", "plate": "B20001"}, first_owner)
    assert found.status_code == 200 and "held by another account" in found.text
    assert "/my/monthcards/%s" % first_owner["card"] not in found.text
    with transaction(commit=False) as env:
        vehicle = env["ep.parking.vehicle"].browse(first_owner["vehicle"])
        assert vehicle.partner_id == env.ref("base.partner_demo_portal")


def test_first_owners_shared_links_need_their_tokens(server_url, first_owner, second_owner):
    """The lock's QR page works by its token (printed on the lock), but operating it needs a grant;
    an order's status page needs its access token; an invoice's PDF is its owner's only."""
    lower = attempt(second_owner, server_url, "POST", "/ep/lock/{lock_token}/lower", {}, first_owner)
    assert lower.status_code == 403, lower.status_code
    wrong = attempt(second_owner, server_url, "POST", "/ep/lock/%s/lower" % secrets.token_hex(12), {}, first_owner)
    assert wrong.status_code == 404
    order = attempt(second_owner, server_url, "GET", "/ep/pay/order/{order}", None, first_owner)
    assert order.status_code in DENIED and first_owner["order_name"] not in order.text
    forged = attempt(second_owner, server_url, "GET", "/ep/pay/order/{order}?token=%s" % base64.b32encode(
        secrets.token_bytes(10)).decode(), None, first_owner)
    assert forged.status_code in DENIED and first_owner["order_name"] not in forged.text
