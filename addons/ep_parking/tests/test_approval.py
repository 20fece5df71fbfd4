import base64

from odoo.exceptions import AccessError, UserError, ValidationError

from .common import EpParkingCase

MB = 1024 * 1024


class TestApproval(EpParkingCase):
    """Seed 000 §2.7 审批功能: processes, requests, levels in order, outsiders, attachments."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.requester = cls.users["lot_staff"]
        cls.level1, cls.level2 = cls.users["manager"], cls.users["finance"]
        cls.outsider = cls.users["operator"]
        cls.executor = cls._create_user("operator", name="Executor", login="ep_test_executor",
                                        email="executor@example.com")
        cls.Process = cls.env["ep.approval.process"]
        cls.process = cls.Process.sudo(cls.users["manager"]).create({
            "name": "Purchase", "executor_id": cls.executor.id,
            "level_ids": [(0, 0, {"sequence": 1, "user_id": cls.level1.id}),
                          (0, 0, {"sequence": 2, "user_id": cls.level2.id})],
        })

    def new_request(self, user=None, **vals):
        values = {"name": "New barrier", "process_id": self.process.id, "content": "Quote attached."}
        values.update(vals)
        return self.env["ep.approval.request"].sudo(user or self.requester).create(values)

    def attachment(self, name, size):
        return self.env["ir.attachment"].create({"name": name, "datas_fname": name,
                                                 "datas": base64.b64encode(b"x" * size)}).id

    def activity_users(self, request, summary_start="To approve"):
        activities = self.env["mail.activity"].search([("res_model", "=", request._name),
                                                       ("res_id", "=", request.id)])
        return activities.filtered(lambda a: a.summary.startswith(summary_start)).mapped("user_id")

    # ------------------------------------------------------------ processes
    def test_process_writes_its_tier_definitions(self):
        tiers = self.process.tier_definition_ids.sorted("sequence")
        self.assertEqual(tiers.mapped("reviewer_id"), self.level1 | self.level2)
        self.assertEqual(tiers.mapped("model"), ["ep.approval.request"] * 2)
        self.assertEqual(self.process.approver_summary, "EP manager → EP finance")
        group = self.env.ref("ep_parking.group_admin")
        self.process.write({"level_ids": [(1, self.process.level_ids[1].id, {"review_type": "group",
                                                                             "user_id": False,
                                                                             "group_id": group.id})]})
        self.assertEqual(tiers[1].review_type, "group")
        self.assertEqual(tiers[1].reviewer_group_id, group)
        self.process.write({"level_ids": [(2, self.process.level_ids[1].id)]})
        self.assertEqual(self.process.tier_definition_ids.filtered("active"), tiers[0])
        with self.assertRaisesRegex(ValidationError, "at least one level"), self.env.cr.savepoint():
            self.Process.create({"name": "Empty"})
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            self.Process.sudo(self.requester).create({"name": "Mine", "level_ids": [(0, 0, {"user_id": 1})]})

    # ------------------------------------------------------------ the flow
    def test_two_levels_approve_in_order(self):
        request = self.new_request()
        self.assertEqual(request.approval_state, "draft")
        self.assertFalse(request.requested_by or request.requested_at, "未发起时，没有发起人和时间")
        request.action_publish()
        self.assertEqual((request.approval_state, request.requested_by), ("to_approve", self.requester))
        self.assertTrue(request.requested_at)
        self.assertEqual(self.activity_users(request), self.level1, "level 2 is not told before its turn")
        self.assertFalse(request.sudo(self.level2).can_review)
        with self.assertRaises(AccessError):
            request.sudo(self.level2).action_approve()
        self.assertFalse(self.env["ep.approval.request"].sudo(self.level2).search([("can_review", "=", True)]))
        self.assertEqual(self.env["ep.approval.request"].sudo(self.level1).search([("can_review", "=", True)]),
                         request)
        request.sudo(self.level1).action_approve(comment="Fine by me")
        self.assertEqual(request.approval_state, "to_approve")
        self.assertEqual(self.activity_users(request), self.level2)
        with self.assertRaises(AccessError):
            request.sudo(self.level1).action_approve()
        request.sudo(self.level2).action_approve()
        self.assertEqual(request.approval_state, "approved")
        self.assertFalse(self.activity_users(request), "nothing waits any more")
        self.assertEqual(self.activity_users(request, "Carry out"), self.executor)
        self.assertIn("Fine by me", " ".join(request.message_ids.mapped("body")))

    def test_rejection_at_level_one_stops_it(self):
        request = self.new_request()
        request.action_publish()
        with self.assertRaisesRegex(UserError, "reason"):
            request.sudo(self.level1).action_reject(" ")
        wizard = self.env["ep.approval.reject"].sudo(self.level1).create({
            "res_model": request._name, "res_ids": str(request.id), "decision": "reject",
            "reason": "Too expensive", "attachment_ids": [(6, 0, [self.attachment("counter.pdf", 10)])]})
        wizard.action_confirm()
        self.assertEqual((request.approval_state, request.reject_reason), ("rejected", "Too expensive"))
        self.assertEqual(request.message_ids[0].attachment_ids.mapped("res_id"), [request.id])
        with self.assertRaisesRegex(UserError, "not waiting"):
            request.sudo(self.level2).action_approve()
        self.assertFalse(self.activity_users(request) | self.activity_users(request, "Carry out"))

    def test_approve_through_the_wizard_with_files(self):
        request = self.new_request()
        request.action_publish()
        action = request.sudo(self.level1).action_open_approve()
        wizard = self.env["ep.approval.reject"].sudo(self.level1).with_context(**action["context"]).create({
            "attachment_ids": [(6, 0, [self.attachment("ok.txt", 5)])]})
        self.assertEqual(wizard.decision, "approve")
        wizard.action_confirm()
        self.assertEqual(request.review_ids.filtered(lambda r: r.done_by == self.level1).status, "approved")

    # ------------------------------------------------------------ access
    def test_outsider_neither_sees_nor_acts(self):
        request = self.new_request()
        Request = self.env["ep.approval.request"]
        self.assertFalse(Request.sudo(self.level1).search([("id", "=", request.id)]), "drafts: requester only")
        request.action_publish()
        self.assertEqual(Request.sudo(self.level1).search([("id", "=", request.id)]), request)
        self.assertEqual(Request.sudo(self.executor).search([("id", "=", request.id)]), request)
        self.assertFalse(Request.sudo(self.outsider).search([("id", "=", request.id)]))
        with self.assertRaises(AccessError):
            request.sudo(self.outsider).read(["name"])
        with self.assertRaises(AccessError):
            request.sudo(self.outsider).action_approve()
        with self.assertRaises(AccessError):
            request.sudo(self.outsider).write({"name": "Mine now"})
        self.assertEqual(Request.sudo(self.users["admin"]).search([("id", "=", request.id)]), request)

    def test_published_request_is_frozen(self):
        request = self.new_request()
        request.action_publish()
        with self.assertRaisesRegex(UserError, "no longer be changed"):
            request.write({"content": "Something else"})
        with self.assertRaisesRegex(UserError, "Only a draft"):
            request.action_publish()

    # ------------------------------------------------------------ attachments
    def test_attachment_limits(self):
        five = [self.attachment("quote-%s.pdf" % i, 100) for i in range(5)]
        request = self.new_request(attachment_ids=[(6, 0, five)])
        self.assertEqual(len(request.attachment_ids), 5)
        self.assertEqual(set(request.attachment_ids.mapped("res_id")), {request.id})
        with self.assertRaisesRegex(ValidationError, "at most 5 attachments"), self.env.cr.savepoint():
            request.write({"attachment_ids": [(4, self.attachment("sixth.pdf", 100))]})
        with self.assertRaisesRegex(ValidationError, "big.zip is larger than 5 MB"), self.env.cr.savepoint():
            self.new_request(attachment_ids=[(6, 0, [self.attachment("big.zip", 6 * MB)])])
        with self.assertRaisesRegex(ValidationError, "at most 5 attachments"), self.env.cr.savepoint():
            self.process.write({"attachment_ids": [(6, 0, five + [self.attachment("sixth.doc", 10)])]})

    # ------------------------------------------------------------ disabled processes
    def test_disabled_process_cannot_be_chosen(self):
        draft = self.new_request()
        self.process.toggle_active()
        self.assertFalse(self.process.tier_definition_ids.filtered("active"))
        with self.assertRaisesRegex(ValidationError, "disabled"), self.env.cr.savepoint():
            self.new_request()
        with self.assertRaisesRegex(UserError, "disabled"):
            draft.action_publish()
        self.process.toggle_active()
        self.assertEqual(len(self.process.tier_definition_ids.filtered("active")), 2)
        draft.action_publish()
        self.assertEqual(draft.approval_state, "to_approve")
