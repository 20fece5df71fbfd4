"""Invoices from orders (seed 000 §2.3.9 5, 6, 8): amounts and taxes, the platform, accounting,
red-letter invoices, and who may invoice which orders."""
import base64

import xlrd

from odoo.exceptions import AccessError, UserError

from .common import EinvoiceCase


class TestInvoiceFromOrders(EinvoiceCase):

    def test_parking_100_at_five_percent_simplified(self):
        order = self.pay(100)
        invoice = self.Invoice._create_from_orders(order, self.person)
        self.assertEqual((invoice.state, invoice.invoice_type, invoice.kind), ("issued", "02", "blue"))
        line = invoice.line_ids
        self.assertEqual((line.name, line.category_code, line.rate), ("车辆停放服务", "3040502020200000000", 5.0))
        self.assertEqual((line.amount, line.amount_untaxed, line.amount_tax), (100.0, 95.24, 4.76))
        self.assertEqual((invoice.amount_total, invoice.amount_untaxed, invoice.amount_tax), (100.0, 95.24, 4.76))
        self.assertEqual(len(invoice.number), 20)
        self.assertEqual(order.einvoice_id, invoice)
        # the platform's files
        self.assertEqual(base64.b64decode(invoice.pdf_id.datas)[:5], b"%PDF-")
        xml = base64.b64decode(invoice.xml_id.datas)
        self.assertIn(invoice.number.encode(), xml)
        self.assertIn(b'tax="4.76"', xml)
        # accounting: a posted customer invoice with the 5 % tax, paid by the order's receipt
        account_invoice = invoice.account_invoice_id
        self.assertEqual((account_invoice.state, account_invoice.type), ("paid", "out_invoice"))
        self.assertEqual((account_invoice.amount_total, account_invoice.amount_tax), (100.0, 4.76))
        tax_line = account_invoice.move_id.line_ids.filtered(lambda aml: aml.tax_line_id)
        self.assertEqual((tax_line.account_id.code, tax_line.credit), ("EP2221", 4.76))
        self.assertTrue(invoice.settlement_move_id.line_ids.filtered(
            lambda aml: aml.account_id == account_invoice.account_id).reconciled)
        # the lot's revenue is what the invoice says without its tax
        self.assertEqual(self.revenue_by_lot(self.lot), 95.24)

    def test_property_fee_at_six_percent(self):
        order = self.pay(106, kind="other")
        with self.assertRaisesRegex(UserError, "not invoiced"):
            self.Invoice._create_from_orders(order, self.person)
        order = self.pay(106, kind="month_card")
        self.env.ref("ep_einvoice.fee_item_month_card").category_id = self.env.ref(
            "ep_einvoice.tax_category_property")
        invoice = self.Invoice._create_from_orders(order, self.company)
        self.assertEqual((invoice.line_ids.rate, invoice.amount_untaxed, invoice.amount_tax), (6.0, 100.0, 6.0))
        self.assertEqual(invoice.account_invoice_id.amount_tax, 6.0)

    def test_multi_order_invoice_and_one_invoice_per_lot(self):
        orders = self.pay(7, partner=self.owner.partner_id) | self.pay(3, partner=self.owner.partner_id) \
            | self.pay(200, kind="month_card", partner=self.owner.partner_id)
        invoice = self.Invoice._create_from_orders(orders, self.company)
        self.assertEqual(invoice.order_ids, orders)
        self.assertEqual([(line.name, line.amount, line.amount_tax) for line in invoice.line_ids],
                         [("车辆停放服务", 10.0, 0.48), ("车辆停放服务（月卡）", 200.0, 9.52)])
        self.assertEqual((invoice.amount_total, invoice.amount_tax), (210.0, 10.0))
        self.assertEqual(invoice.partner_id.vat, self.company["tax_number"])
        self.assertEqual(invoice.account_invoice_id.amount_total, 210.0)
        # orders of two lots of the seller: one invoice each
        two_lots = self.pay(5) | self.pay(8, lot=self.other_lot)
        invoices = self.Invoice._create_from_orders(two_lots, self.person)
        self.assertEqual(sorted(invoices.mapped("amount_total")), [5.0, 8.0])
        self.assertEqual(invoices.mapped("lot_id"), self.lot | self.other_lot)

    def test_what_cannot_be_invoiced(self):
        mine, theirs = self.pay(5, partner=self.owner.partner_id), self.pay(6, partner=self.rival.partner_id)
        with self.assertRaisesRegex(UserError, "one buyer"):
            self.Invoice._create_from_orders(mine | theirs, self.person)
        self.Invoice._create_from_orders(mine, self.person)
        with self.assertRaisesRegex(UserError, "already on the invoice"):
            self.Invoice._create_from_orders(mine, self.person)
        unpaid = self.env["ep.parking.order"].create({"lot_id": self.lot.id, "amount": 4,
                                                      "channel_id": self.env.ref("ep_parking.payment_method_cash").id})
        with self.assertRaisesRegex(UserError, "not paid"):
            self.Invoice._create_from_orders(unpaid, self.person)
        old = self.pay(9)
        old.paid_at = "2020-01-01 00:00:00"
        with self.assertRaisesRegex(UserError, "more than 180 days"):
            self.Invoice._create_from_orders(old, self.person)
        before = self.Invoice.search_count([])
        with self.assertRaisesRegex(UserError, "tax number"):
            self.Invoice._create_from_orders(theirs, dict(self.company, tax_number="91440300MA5DDD1230"))
        with self.assertRaisesRegex(UserError, "general invoices only"):
            self.Invoice._create_from_orders(theirs, self.company, invoice_type="01")
        self.rule.invoice_type = "01"
        with self.assertRaisesRegex(UserError, "address, phone, bank and account"):
            self.Invoice._create_from_orders(theirs, self.company, invoice_type="01")
        self.assertEqual(self.Invoice.search_count([]), before)
        self.assertFalse(theirs.einvoice_id)
        special = self.Invoice._create_from_orders(theirs, dict(
            self.company, address="深圳南山科技园", phone="0755-2", bank="招商银行", bank_account="755912"),
            invoice_type="01")
        self.assertEqual((special.invoice_type, special.state), ("01", "issued"))

    def test_retry_after_platform_failure_issues_one_invoice(self):
        order = self.pay(100)
        self.set_fault("down")
        invoice = self.Invoice._create_from_orders(order, self.person)
        self.assertEqual((invoice.state, invoice.attempts, invoice.account_invoice_id), ("failed", 1,
                                                                                        self.env["account.invoice"]))
        self.assertIn("not reachable", invoice.error)
        Issue = self.env["ep.einvoice.test.issue"]
        self.assertFalse(Issue.search([("serial", "=", invoice.serial)]))
        # the platform issues it but the answer is lost
        self.set_fault("timeout")
        invoice.action_send()
        self.assertEqual((invoice.state, invoice.attempts), ("failed", 2))
        issued = Issue.search([("serial", "=", invoice.serial)])
        self.assertEqual(len(issued), 1)
        # the next try gets that invoice, not a second one
        self.set_fault(False)
        self.Invoice._cron_send_again()
        self.assertEqual((invoice.state, invoice.number, invoice.attempts), ("issued", issued.number, 3))
        self.assertEqual(Issue.search_count([("serial", "=", invoice.serial)]), 1)
        self.assertEqual(len(self.env["account.invoice"].search([("origin", "=", order.name)])), 1)
        with self.assertRaisesRegex(UserError, "not issued yet"):
            invoice.action_send()

    def test_refund_gives_a_red_letter_invoice(self):
        order = self.pay(100, partner=self.owner.partner_id)
        blue = self.Invoice._create_from_orders(order, self.person)
        order.sudo(self.users["manager"]).action_refund()
        red = blue.red_id
        self.assertEqual((order.state, red.kind, red.state, red.original_id), ("refunded", "red", "issued", blue))
        self.assertEqual((red.amount_total, red.amount_untaxed, red.amount_tax), (-100.0, -95.24, -4.76))
        self.assertNotEqual(red.number, blue.number)
        self.assertIn(b'<Original number="%s"' % blue.number.encode(), base64.b64decode(red.xml_id.datas))
        refund = red.account_invoice_id
        self.assertEqual((refund.type, refund.state, refund.amount_total), ("out_refund", "paid", 100.0))
        self.assertFalse(order.einvoice_id)
        # paid, invoiced, refunded, red-lettered: nothing left on the lot's revenue
        self.assertEqual(self.revenue_by_lot(self.lot), 0.0)

    def test_red_letter_by_finance_frees_the_orders(self):
        order = self.pay(30)
        blue = self.Invoice._create_from_orders(order, self.person)
        with self.assertRaises(AccessError):
            blue.sudo(self.users["lot_staff"]).action_red_letter()
        red = blue.sudo(self.users["finance"]).action_red_letter()
        self.assertEqual((red.state, order.state, order.einvoice_id.id), ("issued", "paid", False))
        with self.assertRaisesRegex(UserError, "not cancelled yet"):
            blue.action_red_letter()
        again = self.Invoice._create_from_orders(order, self.company)
        self.assertEqual(again.state, "issued")
        self.assertNotEqual(again.serial, blue.serial)
        self.assertEqual(order.einvoice_ids, blue | red | again)

    def test_issued_invoice_is_emailed_with_its_pdf(self):
        invoice = self.Invoice._create_from_orders(self.pay(12), self.person)
        mail = self.env["mail.mail"].search([("model", "=", invoice._name), ("res_id", "=", invoice.id)])
        self.assertEqual((mail.email_to, mail.state), ("zhang@example.com", "outgoing"))
        self.assertEqual(mail.attachment_ids, invoice.pdf_id)
        self.assertEqual(mail.attachment_ids.mimetype, "application/pdf")
        self.assertIn(invoice.number, mail.subject)

    def test_staff_invoice_orders_of_their_regions_only(self):
        staff = self.users["lot_staff"]
        wizard = self.env["ep.einvoice.issue.wizard"].sudo(staff).with_context(
            active_model="ep.parking.order", active_ids=self.pay(15).ids).create({"buyer_name": "李四"})
        action = wizard.action_issue()
        invoice = self.Invoice.browse(action["res_id"])
        self.assertEqual((invoice.state, invoice.buyer_name, invoice.amount_total), ("issued", "李四", 15.0))
        self.assertEqual(self.Invoice.sudo(staff).search([("id", "=", invoice.id)]), invoice)
        elsewhere = self.pay(16, lot=self.other_lot)
        with self.assertRaises(AccessError):
            self.Invoice.sudo(staff)._create_from_orders(elsewhere.sudo(staff), self.person)
        other = self.Invoice._create_from_orders(elsewhere, self.person)
        self.assertFalse(self.Invoice.sudo(staff).search([("id", "=", other.id)]))

    def test_invoice_records_export_to_xlsx(self):
        staff = self.users["lot_staff"]
        invoice = self.Invoice._create_from_orders(self.pay(100), self.company)
        self.Invoice._create_from_orders(self.pay(9, lot=self.other_lot), self.person)
        action = self.env.ref("ep_einvoice.ep_einvoice_invoice_action_export_filtered").sudo(staff).with_context(
            active_model=self.Invoice._name, active_domain=[("state", "=", "issued")]).run()
        export = self.env["ep.parking.xlsx.export"].sudo(staff).browse(int(action["url"].rsplit("/", 1)[1]))
        sheet = xlrd.open_workbook(file_contents=export._get_file()[1]).sheet_by_index(0)
        rows = [dict(zip(sheet.row_values(0), sheet.row_values(index), strict=True)) for index in range(1, sheet.nrows)]
        self.assertEqual([(row["Invoice No."], row["Total (incl. tax)"], row["Tax"], row["Lot"])
                          for row in rows], [(invoice.number, 100.0, 4.76, self.lot.name)])


class TestSelfInvoicing(EinvoiceCase):

    def test_owner_invoices_own_orders_only(self):
        mine = self.pay(20, partner=self.owner.partner_id)
        theirs = self.pay(30, partner=self.rival.partner_id)
        Invoice = self.Invoice.sudo(self.owner)
        with self.assertRaises(AccessError):
            Invoice._request_by_owner([mine.id, theirs.id], self.person)
        with self.assertRaises(AccessError):
            Invoice._request_by_owner([theirs.id], self.person)
        self.assertFalse(theirs.einvoice_id or mine.einvoice_id)
        invoice = Invoice._request_by_owner([mine.id], self.person)
        self.assertEqual((invoice.origin, invoice.requested_by_id, invoice.state),
                         ("owner", self.owner.partner_id, "issued"))
        self.assertEqual(Invoice.search([]), invoice)
        self.assertFalse(self.Invoice.sudo(self.rival).search([("id", "=", invoice.id)]))
        self.rule.self_invoicing = False
        with self.assertRaisesRegex(UserError, "does not let owners"):
            Invoice._request_by_owner([self.pay(5, partner=self.owner.partner_id).id], self.person)
