import base64
from datetime import datetime

from odoo.exceptions import AccessError, UserError, ValidationError

from .test_renewal import EpRenewalCase, utc

SLIP = base64.b64encode(b"\x89PNG\r\n\x1a\n bank slip").decode()


class TestRenewalRequest(EpRenewalCase):
    """§2.3.6 B 续费申请: money paid offline, a voucher, an approval → the renewal order and validity."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Request = cls.env["ep.monthcard.renewal.request"]
        cls.Attachment = cls.env["ir.attachment"]

    def voucher(self, data=SLIP, role="lot_staff"):
        return self.Attachment.sudo(self.users[role]).create({
            "name": "slip.png", "datas_fname": "slip.png", "datas": data})

    def new_request(self, card, quantity=2, amount=200, vouchers=True, role="lot_staff", **vals):
        values = {"card_id": card.id, "quantity": quantity, "amount": amount, "payment_kind": "transfer"}
        if vouchers:
            values["attachment_ids"] = [(6, 0, self.voucher(role=role).ids)]
        values.update(vals)
        return self.Request.sudo(self.users[role]).create(values)

    def test_submit_approve_renews_and_books_the_order(self):
        card = self.card_ending(datetime(2030, 9, 30, 23, 59, 59))
        request = self.new_request(card)
        self.assertTrue(request.name.startswith("RR"))
        self.assertEqual((request.lot_id, request.channel_id, request.quote_amount), (self.lot, self.cash, 200.0))
        self.assertEqual(request.attachment_ids.res_model, "ep.monthcard.renewal.request")
        self.assertEqual(request.attachment_ids.res_id, request.id)
        request.action_submit()
        self.assertEqual((request.approval_state, request.requested_by), ("to_approve", self.users["lot_staff"]))
        with self.assertRaises(ValidationError):
            request.sudo(self.users["lot_staff"]).write({"amount": 100})  # under validation
        self.assertEqual(card.date_end, utc(datetime(2030, 9, 30, 23, 59, 59)), "nothing before the approval")

        request.sudo(self.users["manager"]).action_approve()
        renewal = request.renewal_id
        self.assertEqual((request.approval_state, request.approved_by), ("approved", self.users["manager"]))
        self.assertEqual((renewal.state, renewal.source, renewal.channel_id, renewal.amount, renewal.request_id),
                         ("done", "voucher", self.cash, 200.0, request))
        self.assertEqual(card.date_end, utc(datetime(2030, 11, 30, 23, 59, 59)))
        order = request.sudo().order_id  # the journal entry is finance's
        self.assertEqual((order.state, order.amount, order.third_party_ref),
                         ("paid", 200.0, "VOUCHER-%s" % request.name))
        self.assertEqual(order.move_id.state, "posted")

    def test_voucher_channel_when_the_lot_takes_it(self):
        voucher = self.env.ref("ep_monthcard.payment_method_voucher")
        self.lot.payment_method_ids |= voucher
        self.ground.channel_ids |= voucher
        card = self.card_ending(datetime(2030, 9, 30, 23, 59, 59))
        request = self.new_request(card)
        self.assertEqual(request.channel_id, voucher)
        request.action_submit()
        request.sudo(self.users["manager"]).action_approve()
        self.assertEqual(request.order_id.channel_id, voucher)
        self.assertEqual(request.sudo().order_id.move_id.journal_id.type, "cash")

    def test_voucher_required_and_checked(self):
        card = self.card_ending(datetime(2030, 9, 30, 23, 59, 59))
        request = self.new_request(card, vouchers=False)
        with self.assertRaisesRegex(UserError, "Attach the payment voucher"):
            request.action_submit()
        self.assertEqual(request.approval_state, "draft")
        big = self.voucher(data=base64.b64encode(b"0" * (5 * 1024 * 1024 + 1)).decode())
        with self.assertRaisesRegex(ValidationError, "larger than 5 MB"), self.env.cr.savepoint():
            request.sudo(self.users["lot_staff"]).attachment_ids = big
        request.sudo(self.users["lot_staff"]).write({"attachment_ids": [(6, 0, self.voucher().ids)], "amount": 150})
        with self.assertRaisesRegex(UserError, "is not the price of 2 periods"):
            request.action_submit()
        with self.assertRaisesRegex(ValidationError, "must be positive"), self.env.cr.savepoint():
            request.amount = 0
        # checked again at the approval: the card was cancelled meanwhile
        request.write({"amount": 200})
        request.action_submit()
        card.action_cancel_card()
        with self.assertRaisesRegex(UserError, "is cancelled"):
            request.sudo(self.users["manager"]).action_approve()
        self.assertEqual((request.approval_state, request.renewal_id.id), ("to_approve", False))
        cancelled = self.new_card(plate="京A00007", state="cancelled")
        with self.assertRaisesRegex(UserError, "is cancelled"):
            self.new_request(cancelled).action_submit()

    def test_reject_keeps_the_reason_and_changes_nothing(self):
        card = self.card_ending(datetime(2030, 9, 30, 23, 59, 59))
        request = self.new_request(card)
        request.action_submit()
        manager_view = request.sudo(self.users["manager"])
        with self.assertRaisesRegex(UserError, "reason"):
            manager_view.action_reject("")
        manager_view.action_reject("The slip is not readable")
        self.assertEqual((request.approval_state, request.reject_reason), ("rejected", "The slip is not readable"))
        self.assertFalse(request.renewal_id)
        self.assertFalse(self.Renewal.search([("card_id", "=", card.id)]))
        self.assertEqual(card.date_end, utc(datetime(2030, 9, 30, 23, 59, 59)))
        with self.assertRaisesRegex(UserError, "not waiting for approval"):
            manager_view.action_approve()

    def test_only_reviewers_approve_and_region_access(self):
        card = self.card_ending(datetime(2030, 9, 30, 23, 59, 59))
        request = self.new_request(card)
        request.action_submit()
        self.users["finance"].ep_region_ids = self.division_node
        for role in ("lot_staff", "operator", "finance"):
            with self.assertRaises(AccessError):
                request.sudo(self.users[role]).action_approve()
        self.assertEqual(request.approval_state, "to_approve")
        self.assertEqual(request.sudo(self.users["operator"]).plate, card.plate)
        with self.assertRaises(AccessError):
            request.sudo(self.other_staff).read(["name"])
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            self.new_request(card, role="operator")
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            self.Request.sudo(self.other_staff).create({"card_id": card.id, "quantity": 2, "amount": 200})
        with self.assertRaisesRegex(UserError, "Only a draft"):
            request.sudo(self.users["lot_staff"]).unlink()
