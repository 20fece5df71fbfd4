"""Back-office coupon lists exported to xlsx over HTTP (seed 000 §2.4.1 4 筛选结果支持导出): the
list's filter, the rows staff may see, the file for its creator only."""
import xlrd

from odoo.addons.ep_parking.tests.common import EpHttpCase, ago, make_division, make_vendor_lot, setup_payments

PASSWORD = "Ep-Staff-Export-2026!"


class TestCouponExport(EpHttpCase):

    def setUp(self):
        super().setUp()
        self.lot = make_vendor_lot(self.env, make_division(self.env, "T-CEX"), code="T-CEX-1",
                                   token="cex-token-0123456789abcdef")["lot"]
        setup_payments(self.env, self.lot, ("wechat",))
        other = make_vendor_lot(self.env, make_division(self.env, "T-CEY"), code="T-CEY-1",
                                token="cey-token-0123456789abcdef")["lot"]
        Users = self.env["res.users"].with_context(no_reset_password=True)
        group = self.env.ref("ep_parking.group_lot_staff")
        self.staff, self.far_staff = (Users.create({
            "name": login, "login": login, "password": PASSWORD, "groups_id": [(6, 0, [group.id])],
            "ep_lot_ids": [(6, 0, [lot.id])]}) for login, lot in (("cex_staff", self.lot), ("cex_far", other)))
        coupon_type = self.env["ep.coupon.type"].create({"name": "5 off", "lot_id": self.lot.id, "face_value": 5})
        self.merchant = self.env["ep.coupon.merchant"].create({"name": "Tea", "phone": "13500000001",
                                                               "lot_id": self.lot.id})
        self.merchant._on_approved()
        self.env["ep.coupon.batch"].create({"merchant_id": self.merchant.id, "type_id": coupon_type.id, "count": 4,
                                            "source": "allocation"}).action_confirm()
        self.env["ep.parking.passage"].create({"lot_id": self.lot.id, "plate": "粤B20001", "direction": "in",
                                               "passage_time": ago(hours=2), "event_ref": "cex-in-1"})
        self.merchant._issue_coupon("粤B20001")

    def run_export(self, user, xmlid, records, domain):
        action = self.env.ref(xmlid).sudo(user).with_context(
            active_model=records._name, active_ids=records.ids, active_id=records[:1].id, active_domain=domain).run()
        return action["url"]

    def download(self, user, url, expect=200):
        self.authenticate(user.login, PASSWORD)
        response = self.request("GET", self.url(url))
        self.assertEqual(response.status_code, expect, response.text[:500])
        return response

    def test_filtered_coupon_list(self):
        Coupon = self.env["ep.coupon"]
        url = self.run_export(self.staff, "ep_coupon.ep_coupon_action_export_filtered", Coupon.browse(),
                              [("merchant_id", "=", self.merchant.id), ("state", "=", "claimed")])
        response = self.download(self.staff, url)
        self.assertIn("spreadsheetml", response.headers["Content-Type"])
        self.assertIn(".xlsx", response.headers["Content-Disposition"])
        sheet = xlrd.open_workbook(file_contents=response.content).sheet_by_index(0)
        header = sheet.row_values(0)
        self.assertEqual(sheet.nrows, 2, "the claimed coupon only")
        row = dict(zip(header, sheet.row_values(1), strict=True))
        self.assertEqual((row["Plate"], row["Merchant"], row["Face Value"], row["State"]),
                         ("粤B20001", "Tea", 5.0, "Claimed"))
        # the file is its creator's: someone else gets nothing
        self.download(self.far_staff, url, expect=404)

    def test_selected_orders_of_another_region_are_refused(self):
        batch = self.merchant.batch_ids
        url = self.run_export(self.staff, "ep_coupon.ep_coupon_batch_action_export_selected", batch, [])
        sheet = xlrd.open_workbook(file_contents=self.download(self.staff, url).content).sheet_by_index(0)
        self.assertEqual(sheet.nrows, 2)
        far_url = self.run_export(self.far_staff, "ep_coupon.ep_coupon_batch_action_export_filtered",
                                  batch.browse(), [])
        sheet = xlrd.open_workbook(file_contents=self.download(self.far_staff, far_url).content).sheet_by_index(0)
        self.assertEqual(sheet.nrows, 1, "another region's staff export none of this lot's orders")
