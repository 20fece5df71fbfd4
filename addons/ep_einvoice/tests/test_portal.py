"""Self-invoicing over HTTP (seed 000 §2.3.9 7): my orders → tick → buyer → invoice emailed and
downloadable; another owner's order id is refused."""
import re

from odoo.addons.ep_parking.tests.common import EpHttpCase, make_division, make_vendor_lot, setup_payments

from .common import PORTAL_PASSWORD, make_invoicing, make_owner, paid_order


class TestSelfInvoicingPortal(EpHttpCase):

    def setUp(self):
        super().setUp()
        self.lot = make_vendor_lot(self.env, make_division(self.env, "T-EIP"), code="T-EIP-1",
                                   token="eip-token-0123456789abcdef")["lot"]
        setup_payments(self.env, self.lot)
        make_invoicing(self.env, self.lot)
        self.owner, self.rival = make_owner(self.env, "eip_owner"), make_owner(self.env, "eip_rival")
        self.mine = paid_order(self.env, self.lot, 25, partner=self.owner.partner_id)
        self.theirs = paid_order(self.env, self.lot, 35, partner=self.rival.partner_id)

    def test_owner_invoices_from_my_orders(self):
        self.authenticate(self.owner.login, PORTAL_PASSWORD)
        page = self.open("/my/parking/orders")
        self.assertTrue(re.search(r'<input type="checkbox" name="order_ids"[^>]* value="%s"' % self.mine.id, page.text))
        self.assertNotIn('value="%s"' % self.theirs.id, page.text)
        form = self.open("/my/einvoice/new?order_ids=%s" % self.mine.id)
        self.assertIn(self.mine.name, form.text)
        self.open("/my/einvoice/new?order_ids=%s" % self.theirs.id, expect=403)
        # another owner's order slipped into the form: refused, nothing invoiced
        self.post(form, "/my/einvoice/new", expect=403, order_ids=[self.mine.id, self.theirs.id],
                  buyer_kind="personal", buyer_name="车主", buyer_email="me@example.com")
        self.assertFalse(self.mine.einvoice_id)
        # a bad email: the form again with the reason
        page = self.post(form, "/my/einvoice/new", expect=400, order_ids=self.mine.id, buyer_kind="personal",
                         buyer_name="车主", buyer_email="not-an-email")
        self.assertIn("valid email", page.text)
        done = self.post(form, "/my/einvoice/new", order_ids=self.mine.id, buyer_kind="company",
                         buyer_name="深圳某某科技有限公司", buyer_tax_number="91440300MA5DDD123M",
                         buyer_email="me@example.com")
        invoice = self.mine.einvoice_id
        self.assertEqual((invoice.state, invoice.requested_by_id, invoice.buyer_email),
                         ("issued", self.owner.partner_id, "me@example.com"))
        self.assertIn(invoice.number, done.text)
        self.assertTrue(re.search(r'href="/my/einvoices/%s/pdf"' % invoice.id, done.text))
        pdf = self.open("/my/einvoices/%s/pdf" % invoice.id)
        self.assertEqual((pdf.headers["Content-Type"], pdf.content[:5]), ("application/pdf", b"%PDF-"))
        self.assertIn(invoice.number, self.open("/my/einvoices").text)
        self.assertTrue(self.env["mail.mail"].search([("res_id", "=", invoice.id), ("model", "=", invoice._name),
                                                      ("email_to", "=", "me@example.com")]))
        # the rival sees nothing of it
        self.authenticate(self.rival.login, PORTAL_PASSWORD)
        self.open("/my/einvoices/%s" % invoice.id, expect=404)
        self.open("/my/einvoices/%s/pdf" % invoice.id, expect=404)
