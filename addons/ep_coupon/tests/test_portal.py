"""The merchant portal and its JSON endpoints over HTTP (seed 000 §2.4.4 2-4), as an issuer of one
merchant, as the issuer of another merchant (refused) and as a driver scanning the claim QR code."""

from odoo.addons.ep_parking.tests.common import EpHttpCase, ago, make_division, make_vendor_lot, setup_payments

PASSWORD = "Ep-Merchant-2026!"


class TestMerchantPortal(EpHttpCase):

    def setUp(self):
        super().setUp()
        division = make_division(self.env, "T-CPN")
        self.lot = make_vendor_lot(self.env, division, code="T-CPN-1", token="cpn-token-0123456789abcdef")["lot"]
        self.wechat = setup_payments(self.env, self.lot, ("wechat", "cash"))["wechat"]
        Type = self.env["ep.coupon.type"]
        self.type_5 = Type.create({"name": "5 off", "lot_id": self.lot.id, "face_value": 5, "purchase_price": 4})
        self.type_10 = Type.create({"name": "10 off", "lot_id": self.lot.id, "face_value": 10, "purchase_price": 8})
        self.boss, self.clerk, self.rival = (self.portal_user(login)
                                             for login in ("cpn_boss", "cpn_clerk", "cpn_rival"))
        self.cafe = self.merchant("Cafe", "13600000001", "fixed", self.boss)
        self.env["ep.coupon.authorization"].create({"merchant_id": self.cafe.id, "phone": "13600000002",
                                                    "user_id": self.clerk.id})
        self.shop = self.merchant("Shop", "13600000003", "variable", self.rival, max_face_value=10)
        batch = self.env["ep.coupon.batch"].create({"merchant_id": self.cafe.id, "type_id": self.type_5.id,
                                                    "count": 3, "source": "allocation"})
        batch.action_confirm()
        self.entry = self.env["ep.parking.passage"].create({
            "lot_id": self.lot.id, "plate": "粤B10001", "direction": "in", "passage_time": ago(hours=4, minutes=30),
            "event_ref": "cpn-in-1"})

    def portal_user(self, login):
        return self.env["res.users"].create({"name": login, "login": login, "password": PASSWORD,
                                             "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])]})

    def merchant(self, name, phone, kind, user, **vals):
        merchant = self.env["ep.coupon.merchant"].create(dict(vals, name=name, phone=phone, lot_id=self.lot.id,
                                                              kind=kind))
        self.env["ep.coupon.authorization"].create({"merchant_id": merchant.id, "phone": phone, "user_id": user.id})
        merchant.action_submit()
        merchant.action_approve()
        return merchant

    # ------------------------------------------------------------ helpers
    def api(self, method, route, expect=200, body=None, **params):
        kwargs = {"params": params, "headers": {"X-EP-Client": "test"}}
        if method == "POST":
            kwargs["data"] = body or {}
        response = self.request(method, self.url("/ep/coupon/api/v1/" + route), **kwargs)
        self.assertEqual(response.status_code, expect, response.text[:2000])
        return response.json()

    def login(self, user):
        self.authenticate(user.login, PASSWORD)

    # ------------------------------------------------------------ tests
    def test_issue_from_the_portal(self):
        self.assertIn("/web/login", self.request("GET", self.url("/my/coupons"), allow_redirects=False)
                      .headers["Location"])
        self.login(self.clerk)
        self.assertIn("/my/coupons", self.open("/my/home").text)
        home = self.open("/my/coupons")
        self.assertIn("Cafe", home.text)
        self.assertEqual(self.open("/my/coupons/qr.png").headers["Content-Type"], "image/png")
        page = self.open("/my/coupons/issue?plate=粤B10001")
        self.assertIn("o_ep_entry_time", page.text)
        self.assertRegex(page.text, r'class="text-right o_ep_fee">\s*\S*\s*7\.00')  # 4.5 hours: 5 + 1 + 1
        self.assertIn("is not in the lot", self.open("/my/coupons/issue?plate=粤B99999").text)
        done = self.post(page, "/my/coupons/issue", plate="粤B10001", type_id=str(self.type_5.id))
        self.assertIn("o_ep_issued", done.text)
        coupon = self.env["ep.coupon"].search([("plate", "=", "粤B10001")])
        self.assertEqual((coupon.merchant_id, coupon.state, coupon.claim_kind),
                         (self.cafe, "claimed", "merchant_issue"))
        again = self.post(page, "/my/coupons/issue", plate="粤B10001", type_id=str(self.type_5.id))
        self.assertIn("already holds an unused coupon", again.text)
        listing = self.open("/my/coupons/list?state=claimed")
        self.assertEqual(listing.text.count("o_ep_coupon_row"), 2)
        self.assertRegex(listing.text, r'o_ep_total_face_value">\S*\s*10\.00')
        self.assertNotIn("o_ep_coupon_row", self.open("/my/coupons/list?state=used").text)
        # a normal issuer sees the issuers but may not grant
        issuers = self.open("/my/coupons/issuers")
        self.assertNotIn("o_ep_grant_form", issuers.text)
        self.post(page, "/my/coupons/issuers/grant", expect=403, phone="13600000009")

    def test_json_api_as_issuer(self):
        self.assertEqual(self.api("GET", "merchant", expect=401)["error"], "Log in first.")
        self.login(self.boss)
        merchant = self.api("GET", "merchant")
        self.assertEqual((merchant["name"], merchant["issuer"]["is_super"], merchant["types"][0]["available"]),
                         ("Cafe", True, 3))
        car = self.api("GET", "car", plate="粤B10001")
        self.assertEqual((car["fee"], car["coupon_type_id"], car["coupon_amount"]), ("7.00", self.type_5.id, "5.00"))
        self.assertIn("not in the lot", self.api("GET", "car", expect=400, plate="粤B99999")["error"])
        issued = self.api("POST", "issue", body={"plate": "粤B10001"})
        self.assertEqual((issued["plate"], issued["face_value"], issued["state"]), ("粤B10001", "5.00", "claimed"))
        self.assertTrue(self.api("POST", "issue", body={"plate": "粤B10001"})["warning"])
        coupons = self.api("GET", "coupons", plate="B10001")
        self.assertEqual((coupons["total"], coupons["total_face_value"]), (2, "10.00"))
        # a cross-site form cannot reach the API: it cannot send the client header (no CSRF token there)
        response = self.request("POST", self.url("/ep/coupon/api/v1/issue"), data={"plate": "粤B10001"})
        self.assertEqual((response.status_code, self.env["ep.coupon"].search_count([("plate", "=", "粤B10001")])),
                         (403, 2))
        # limits: set one and hit it
        self.api("POST", "limits", body={"period": "day", "count": 2})
        self.assertIn("limit", self.api("POST", "issue", expect=400, body={"plate": "粤B10001"})["error"])
        self.assertEqual(self.api("GET", "limits")["limits"][0]["left"], 0)
        # buy 5 coupons of 10.00 with the test gateway: they become available once paid
        bought = self.api("POST", "purchases", body={"type_id": self.type_10.id, "count": 5,
                                                     "channel_id": self.wechat.id})
        self.assertEqual((bought["state"], bought["amount"]), ("to_pay", "40.00"))
        self.assertIn("/ep/pay/test/", bought["checkout_url"])
        order = self.env["ep.parking.order"].browse(bought["order_id"])
        self.assertEqual((order.kind, order.amount, order.state), ("coupon", 40.0, "unpaid"))
        checkout = self.open(bought["checkout_url"].replace(self.url(""), ""))
        token = self.env["ep.parking.test.payment"]._find(order).token
        self.post(checkout, "/ep/pay/test/%s/pay" % token, notify="1")
        self.assertEqual(order.state, "paid")
        types = {t["id"]: t["available"] for t in self.api("GET", "types")["types"]}
        self.assertEqual(types[self.type_10.id], 5)
        self.assertEqual(len(self.api("GET", "purchases")["purchases"]), 2)
        # issuers: grant a phone (a portal user is made for it, texted), then revoke it
        granted = self.api("POST", "issuers", body={"phone": "136 0000 0008", "name": "New"})
        self.assertEqual((granted["phone"], granted["is_super"]), ("13600000008", False))
        self.assertTrue(self.env["res.users"].search([("login", "=", "13600000008")]).has_group("base.group_portal"))
        self.assertIn("already bound to another merchant",
                      self.api("POST", "issuers", expect=400, body={"phone": "13600000003"})["error"])
        self.api("POST", "issuers/%s/revoke" % granted["id"])
        self.assertEqual(len(self.api("GET", "issuers")["issuers"]), 2)
        # campaigns and the chart
        campaign = self.api("POST", "campaigns", body={"name": "Summer"})
        self.assertEqual(self.open(campaign["qr_png"]).headers["Content-Type"], "image/png")
        days = self.api("GET", "stats")["days"]
        self.assertEqual((len(days), sum(d["issued"] for d in days)), (14, 2))
        self.assertEqual(self.api("GET", "stats", expect=400, date_from="2026-01-01", date_to="2026-12-31")["error"],
                         "Choose at most 92 days.")

    def test_another_merchant_is_refused(self):
        campaign = self.cafe._create_campaign("Cafe week")
        limit = self.cafe._set_issue_limit("day", 10)
        clerk_auth = self.cafe.authorization_ids.filtered(lambda a: not a.is_super)
        self.login(self.rival)
        self.assertEqual(self.api("GET", "merchant")["name"], "Shop", "acts for its own merchant only")
        self.api("POST", "issuers/%s/revoke" % clerk_auth.id, expect=404)
        self.api("POST", "limits/%s/delete" % limit.id, expect=404)
        self.api("POST", "campaigns/%s/close" % campaign.id, expect=404)
        self.open("/my/coupons/campaigns/%s/qr.png" % campaign.id, expect=404)
        self.api("POST", "issue", expect=404, body={"plate": "粤B10001", "type_id": self.type_5.id + 10 ** 6})
        coupons = self.api("GET", "coupons")
        self.assertEqual(coupons["total"], 0)
        page = self.open("/my/coupons/issuers")
        self.assertNotIn("13600000002", page.text, "the first merchant's issuers stay hidden")
        self.post(page, "/my/coupons/issuers/%s/revoke" % clerk_auth.id, expect=404)
        self.assertTrue(clerk_auth.exists() and limit.exists() and campaign.active)
        # the release merchant's own issue: the fee up to its cap, counted on its own
        issued = self.api("POST", "issue", body={"plate": "粤B10001"})
        self.assertEqual((issued["type"], issued["amount_applied"]), ("Release Coupon", "7.00"))
        # a portal user who is nobody's issuer
        self.login(self.portal_user("cpn_nobody"))
        self.assertEqual(self.api("GET", "merchant", expect=403)["error"], "You are not an issuer of any merchant.")
        self.open("/my/coupons", expect=404)

    def test_driver_claims_by_scanning(self):
        page = self.open("/ep/coupon/m/%s" % self.cafe.claim_token)
        self.assertIn("o_ep_claim_form", page.text)
        self.open("/ep/coupon/m/not-a-token", expect=404)
        done = self.post(page, "/ep/coupon/m/%s" % self.cafe.claim_token, plate="粤B10001")
        self.assertIn("o_ep_claimed", done.text)
        coupon = self.env["ep.coupon"].search([("plate", "=", "粤B10001")])
        self.assertEqual((coupon.claim_kind, coupon.state), ("user_scan", "claimed"))
        again = self.post(page, "/ep/coupon/m/%s" % self.cafe.claim_token, plate="粤B10001")
        self.assertIn("already holds an unused coupon", again.text)
        self.assertEqual(len(self.env["ep.coupon"].search([("plate", "=", "粤B10001")])), 1)
        unplated = self.post(page, "/ep/coupon/m/%s" % self.cafe.claim_token, plate="EP12345")
        self.assertIn("goes only to the phone that scanned", unplated.text)
        campaign = self.cafe._create_campaign("Poster")
        poster = self.open("/ep/coupon/c/%s" % campaign.token)
        self.entry.copy({"plate": "粤B10002", "event_ref": "cpn-in-2"})
        self.post(poster, "/ep/coupon/c/%s" % campaign.token, plate="粤B10002")
        claimed = self.env["ep.coupon"].search([("plate", "=", "粤B10002")])
        self.assertEqual((claimed.claim_kind, claimed.campaign_id), ("campaign_scan", campaign))
        campaign.active = False
        self.assertIn("o_ep_claim_ended", self.open("/ep/coupon/c/%s" % campaign.token).text)

    def test_driver_sees_the_coupons_held_by_their_plates(self):
        coupon, _warning = self.cafe._issue_coupon("粤B10001")
        driver = self.portal_user("cpn_driver")
        self.portal_user("cpn_other")
        self.env["ep.parking.vehicle"].create({"plate": "粤B10001", "partner_id": driver.partner_id.id})
        self.authenticate("cpn_driver", PASSWORD)
        held = self.open("/my/held-coupons")
        self.assertIn("o_ep_held_coupon_%s" % coupon.id, held.text)
        self.assertIn("Cafe", held.text)
        self.assertRegex(self.open("/my").text, r'o_ep_card_coupons">\s*<i class="fa fa-gift"></i>\s*'
                                                r'<span class="o_ep_home_card_count">1</span>')
        self.authenticate("cpn_other", PASSWORD)
        self.assertNotIn("o_ep_held_coupon_%s" % coupon.id, self.open("/my/held-coupons").text)

    def test_employee_without_parking_rights_sees_coupons_of_their_phone(self):
        """/my and /my/held-coupons are every logged-in user's: an employee who may not read vehicles
        (Odoo's website crawler as its demo employee) gets them, with the coupons given to their phone."""
        coupon, _warning = self.cafe._issue_coupon("粤B10001")
        coupon.write({"phone": "13600000009"})
        # a billing clerk, as Odoo's demo user: Odoo 11's own /my counters read invoices as the user
        groups = self.env.ref("base.group_user") | self.env.ref("account.group_account_invoice")
        employee = self.env["res.users"].create({
            "name": "Employee", "login": "cpn_employee", "password": PASSWORD,
            "groups_id": [(6, 0, groups.ids)]})
        employee.partner_id.mobile = "13600000009"
        self.authenticate("cpn_employee", PASSWORD)
        self.assertIn("o_ep_card_coupons", self.open("/my").text)
        self.assertIn("o_ep_held_coupon_%s" % coupon.id, self.open("/my/held-coupons").text)
