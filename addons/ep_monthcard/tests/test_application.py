import base64
from datetime import datetime, time, timedelta

from odoo import fields
from odoo.addons.ep_parking.models.ep_parking_tariff import from_lot_time, to_lot_time
from odoo.exceptions import AccessError, UserError, ValidationError

from .common import EpMonthcardCase

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kg"
                       "AAAABJRU5ErkJggg==")


class ApplicationCase(EpMonthcardCase):
    """A portal owner and a helper making applications the way lot staff enter them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.owner = cls.env["res.users"].create({
            "name": "Owner", "login": "ep_test_mc_owner",
            "groups_id": [(6, 0, [cls.env.ref("base.group_portal").id])]})
        cls.Application = cls.env["ep.monthcard.application"]
        cls.today = to_lot_time(fields.Datetime.now()).date()

    def new_application(self, plate="京A12345", submit=True, role="lot_staff", **vals):
        values = {"partner_id": self.owner.partner_id.id, "lot_id": self.lot.id, "plate": plate,
                  "phone": "13800138000", "address": "Road 1", "id_photo": base64.b64encode(PNG),
                  "id_photo_name": "id.png"}
        values.update(vals)
        application = self.Application.sudo(self.users[role]).create(values)
        if submit:
            application.action_submit()
        return application

    def choose(self, application, rule=None, days=3, role="lot_staff"):
        """What the approver picks before approving: the rule and the first paid day."""
        application.sudo(self.users[role]).write({
            "rule_id": (rule or self.ground).id,
            "date_start": fields.Date.to_string(self.today + timedelta(days=days))})


class TestApplication(ApplicationCase):
    """§2.3.4 月卡申请及审批: submit, approve (rule + first paid day → card), reject (reason), access."""

    def test_submit_asks_the_lot_staff(self):
        application = self.new_application(plate="京a·12345")
        self.assertEqual(application.plate, "京A12345")
        self.assertTrue(application.name.startswith("MCA"))
        self.assertEqual((application.approval_state, application.requested_by),
                         ("to_approve", self.users["lot_staff"]))
        self.assertTrue(application.requested_at)
        review = application.review_ids
        self.assertEqual((len(review), review.status, review.sequence), (1, "pending", 1))
        self.assertEqual(review.reviewer_group_id, self.env.ref("ep_parking.group_lot_staff"))
        self.assertTrue(application.sudo(self.users["lot_staff"]).can_review)
        self.assertFalse(application.sudo(self.users["operator"]).can_review)
        self.assertEqual(self.Application.sudo(self.users["lot_staff"]).search([("can_review", "=", True)]),
                         application)
        with self.assertRaisesRegex(UserError, "Only a draft"):
            application.action_submit()
        # the owner's data is frozen while it is reviewed; the approver's choices are not
        with self.assertRaisesRegex(ValidationError, "under validation"), self.env.cr.savepoint():
            application.sudo(self.users["lot_staff"]).write({"plate": "京B11111"})
        self.choose(application)
        self.assertEqual(application.rule_id, self.ground)

    def test_submission_checks(self):
        draft = self.new_application(submit=False, id_photo=False)
        with self.assertRaisesRegex(UserError, "photo"):
            draft.action_submit()
        self.assertEqual((draft.approval_state, draft.review_ids.ids), ("draft", []))
        draft.id_photo = base64.b64encode(PNG)
        draft.action_submit()
        with self.assertRaisesRegex(UserError, "already waiting"):
            self.new_application()
        self.new_card(plate="京B22222")
        with self.assertRaisesRegex(UserError, "already has a month card"):
            self.new_application(plate="京B22222")
        with self.assertRaisesRegex(UserError, "does not sell month cards"):
            self.new_application(plate="京B33333", lot_id=self.lot_without_server.id)
        with self.assertRaisesRegex(ValidationError, "picture"), self.env.cr.savepoint():
            self.new_application(plate="京B44444", submit=False, id_photo=base64.b64encode(b"MZ not an image"))

    def test_approve_creates_a_card_paid_from_the_chosen_day(self):
        application = self.new_application(spaces=2)
        staff = application.sudo(self.users["lot_staff"])
        with self.assertRaisesRegex(UserError, "Choose the rule"):
            staff.action_approve()
        self.choose(application, days=-1)
        with self.assertRaisesRegex(UserError, "already past"):
            staff.action_approve()
        self.assertEqual((application.approval_state, application.review_ids.status), ("to_approve", "pending"))
        self.choose(application, days=3)
        staff.action_approve()
        self.assertEqual((application.approval_state, application.approved_by), ("approved", self.users["lot_staff"]))
        self.assertEqual(application.review_ids.status, "approved")
        card = application.card_id
        self.assertEqual((card.state, card.plate, card.rule_id, card.lot_id, card.partner_id, card.phone, card.spaces),
                         ("created", "京A12345", self.ground, self.lot, self.owner.partner_id, "13800138000", 2))
        first = from_lot_time(datetime.combine(self.today + timedelta(days=3), time.min))
        self.assertEqual(card.date_end, fields.Datetime.to_string(first - timedelta(seconds=1)))
        self.assertLess(card.date_start, card.date_end)
        # nothing paid yet: the owner's first renewal starts on the chosen day (lot time)
        self.assertEqual(from_lot_time(self.env["ep.monthcard.renewal"]._get_start(card)), first)
        self.assertFalse(self.lot._plate_has_valid_month_card("京A12345"))
        # closed: neither its data nor its state change any more
        with self.assertRaisesRegex(UserError, "closed"):
            staff.write({"note": "x"})
        with self.assertRaisesRegex(UserError, "not waiting"):
            staff.action_approve()

    def test_reject_keeps_the_reason(self):
        application = self.new_application()
        Wizard = self.env["ep.approval.reject"].sudo(self.users["lot_staff"])
        action = application.sudo(self.users["lot_staff"]).action_open_reject()
        wizard = Wizard.with_context(**action["context"]).create({"reason": "  "})
        with self.assertRaisesRegex(UserError, "reason"):
            wizard.action_reject()
        wizard.reason = "ID photo unreadable"
        wizard.action_reject()
        self.assertEqual((application.approval_state, application.reject_reason), ("rejected", "ID photo unreadable"))
        self.assertEqual(application.review_ids.status, "rejected")
        self.assertFalse(application.card_id)
        self.assertIn("ID photo unreadable", application.message_ids[0].body)
        with self.assertRaisesRegex(UserError, "not waiting"):
            application.sudo(self.users["lot_staff"]).action_reject("again")
        # the owner may apply again for the same plate
        self.assertEqual(self.new_application().approval_state, "to_approve")

    def test_state_moves_only_through_the_reviews(self):
        draft = self.new_application(submit=False)
        with self.assertRaisesRegex(UserError, "cannot go from"):
            draft.sudo(self.users["lot_staff"]).write({"approval_state": "approved"})
        waiting = self.new_application(plate="京B55555")
        for state in ("approved", "rejected", "draft"):
            with self.assertRaisesRegex(UserError, "cannot go from"), self.env.cr.savepoint():
                waiting.sudo(self.users["lot_staff"]).write({"approval_state": state})
        self.assertEqual(waiting.approval_state, "to_approve")

    def test_levels_review_in_tier_order(self):
        # a first level before the lot staff's (sequence 10): managers
        self.env["tier.definition"].create({
            "name": "Manager", "model_id": self.env.ref("ep_monthcard.model_ep_monthcard_application").id,
            "review_type": "group", "reviewer_group_id": self.env.ref("ep_parking.group_manager").id,
            "sequence": 5})
        application = self.new_application()
        self.assertEqual(application.review_ids.sorted("sequence").mapped("reviewer_group_id.name"),
                         ["Manager", "Lot Staff"])
        manager = application.sudo(self.users["manager"])
        staff = application.sudo(self.users["lot_staff"])
        self.assertFalse(staff.can_review, "the lot staff's level comes second")
        self.assertFalse(self.Application.sudo(self.users["lot_staff"]).search([("can_review", "=", True)]))
        with self.assertRaises(AccessError):
            staff.action_approve()
        self.choose(application)
        manager.action_approve()  # level 1 only, though managers are lot staff too
        self.assertEqual(application.approval_state, "to_approve")
        self.assertEqual(application.review_ids.sorted("sequence").mapped("status"), ["approved", "pending"])
        self.assertFalse(application.card_id)
        self.assertEqual(self.Application.sudo(self.users["lot_staff"]).search([("can_review", "=", True)]),
                         application)
        staff.action_approve()  # level 2
        self.assertEqual(application.approval_state, "approved")
        self.assertTrue(application.card_id)

    def test_access(self):
        mine = self.new_application()
        stranger = self.env["res.partner"].create({"name": "Stranger"})
        theirs = self.new_application(plate="京B66666", partner_id=stranger.id)
        Owner = self.Application.sudo(self.owner)
        self.assertEqual(Owner.search([]), mine)
        self.assertEqual(mine.sudo(self.owner).approval_state, "to_approve")
        with self.assertRaises(AccessError):
            theirs.sudo(self.owner).read(["plate"])
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            Owner.create({"partner_id": self.owner.partner_id.id, "lot_id": self.lot.id, "plate": "京B77777",
                          "phone": "13800138000", "address": "Road 1"})
        with self.assertRaises(AccessError):
            mine.sudo(self.owner).write({"rule_id": self.ground.id})
        with self.assertRaises(AccessError):
            mine.sudo(self.owner).action_approve()
        # staff of another region: neither see nor approve, though lot staff review applications
        self.assertFalse(self.Application.sudo(self.other_staff).search([("id", "=", mine.id)]))
        with self.assertRaises(AccessError):
            mine.sudo(self.other_staff).read(["plate"])
        with self.assertRaises(AccessError):
            mine.sudo(self.other_staff).action_approve()
        # operators read but do not review; managers review every region
        self.assertEqual(mine.sudo(self.users["operator"]).plate, "京A12345")
        self.choose(mine)
        with self.assertRaises(AccessError):
            mine.sudo(self.users["operator"]).action_approve()
        with self.assertRaises(AccessError):
            self.new_application(plate="京B88888", role="operator", submit=False)
        self.assertEqual(mine.approval_state, "to_approve")
        mine.sudo(self.users["manager"]).action_approve()
        self.assertEqual(mine.approval_state, "approved")

    def test_menu_and_views(self):
        menu = self.env.ref("ep_monthcard.ep_monthcard_application_menu")
        self.assertEqual(menu.parent_id, self.env.ref("ep_monthcard.monthcard_menu"))
        self.assertEqual(menu.action, self.env.ref("ep_monthcard.ep_monthcard_application_action"))
        for view in ("form", "tree", "search"):
            self.assertTrue(self.Application.fields_view_get(view_type=view)["arch"])
