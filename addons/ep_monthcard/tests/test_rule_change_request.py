from datetime import timedelta

from odoo import fields
from odoo.addons.ep_parking.tests.test_list_entry import stamp
from odoo.exceptions import AccessError, UserError, ValidationError

from .common import EpMonthcardCase


class TestRuleChangeRequest(EpMonthcardCase):
    """§2.3.5 月卡换规则: dearer applies at once; cheaper only through a request operations approve,
    extending the validity when the owner wants it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Request = cls.env["ep.monthcard.rule.change.request"]
        cls.Wizard = cls.env["ep.monthcard.rule.change"]

    def wizard(self, card, rule, role="lot_staff", **vals):
        values = {"card_id": card.id, "new_rule_id": rule.id}
        values.update(vals)
        return self.Wizard.sudo(self.users[role]).create(values)

    def request(self, card, rule=None, **vals):
        action = self.wizard(card, rule or self.ground, reason="Sold the basement space", **vals).action_apply()
        self.assertEqual(action["res_model"], "ep.monthcard.rule.change.request")
        return self.Request.browse(action["res_id"])

    def assertMoment(self, value, expected, seconds=5):
        delta = abs(fields.Datetime.from_string(value) - expected)
        self.assertLessEqual(delta, timedelta(seconds=seconds), "%s is not about %s" % (value, expected))

    def test_dearer_rule_applies_at_once(self):
        card = self.new_card(rule=self.ground, days_left=20)
        wizard = self.wizard(card, self.basement)
        self.assertFalse(wizard.cheaper)
        self.assertMoment(wizard.new_date_end, self.now + timedelta(days=10), seconds=60)
        wizard.action_apply()
        self.assertEqual(card.rule_id, self.basement)
        self.assertFalse(self.Request.search([("card_id", "=", card.id)]))

    def test_cheaper_rule_makes_a_request(self):
        card = self.new_card(rule=self.basement, days_left=10)
        end = card.date_end
        wizard = self.wizard(card, self.ground)
        self.assertTrue(wizard.cheaper)
        self.assertMoment(wizard.new_date_end, self.now + timedelta(days=20), seconds=60)
        with self.assertRaisesRegex(UserError, "reason"):
            wizard.action_apply()
        request = self.request(card, proof=b"cHJvb2Y=", proof_name="deed.pdf")
        self.assertEqual((request.approval_state, request.old_rule_id, request.new_rule_id, request.lot_id),
                         ("to_approve", self.basement, self.ground, self.lot))
        self.assertEqual((request.requested_by, request.date_end_before), (self.users["lot_staff"], end))
        self.assertEqual(request.review_ids.reviewer_group_id, self.env.ref("ep_parking.group_manager"))
        self.assertMoment(request.proposed_end, self.now + timedelta(days=20), seconds=60)
        self.assertEqual((card.rule_id, card.date_end), (self.basement, end), "nothing changes before the approval")
        with self.assertRaisesRegex(UserError, "already has a rule change request"):
            self.request(card)

    def test_approval_extends_to_the_value_preserving_end(self):
        card = self.new_card(rule=self.basement, days_left=10)
        request = self.request(card)
        before = fields.Datetime.from_string(fields.Datetime.now())
        request.sudo(self.users["manager"]).action_approve()
        self.assertEqual((request.approval_state, request.approved_by), ("approved", self.users["manager"]))
        self.assertEqual(card.rule_id, self.ground)
        # 200 a month with 10 days left is worth 20 days at 100 a month, counted from the approval
        self.assertMoment(card.date_end, before + 2 * (fields.Datetime.from_string(request.date_end_before) - before))
        self.assertEqual(request.applied_end, card.date_end)
        self.assertIn("request approved", card.message_ids[0].body)

    def test_approver_sets_the_end_or_keeps_it(self):
        card = self.new_card(rule=self.basement, days_left=10)
        request = self.request(card)
        manager = request.sudo(self.users["manager"])
        with self.assertRaisesRegex(ValidationError, "not shorten"), self.env.cr.savepoint():
            manager.write({"new_date_end": stamp(self.now + timedelta(days=5))})
        granted = stamp(self.now + timedelta(days=40))
        manager.write({"new_date_end": granted})
        manager.action_approve()
        self.assertEqual((card.rule_id, card.date_end), (self.ground, granted))

        kept = self.new_card(plate="京B54321", rule=self.basement, days_left=10)
        end = kept.date_end
        request = self.request(kept, extend_validity=False)
        self.assertFalse(request.extend_validity)
        request.sudo(self.users["manager"]).action_approve()
        self.assertEqual((kept.rule_id, kept.date_end), (self.ground, end))

    def test_reviewers_and_rejection(self):
        card = self.new_card(rule=self.basement, days_left=10)
        request = self.request(card)
        # lot staff ask, operations (managers) approve
        self.assertFalse(request.sudo(self.users["lot_staff"]).can_review)
        with self.assertRaises(AccessError):
            request.sudo(self.users["lot_staff"]).action_approve()
        with self.assertRaises(AccessError):
            request.sudo(self.other_staff).read(["plate"])
        self.assertFalse(self.Request.sudo(self.other_staff).search([("id", "=", request.id)]))
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            self.wizard(card, self.ground, role="operator", reason="x").action_apply()
        request.sudo(self.users["manager"]).action_reject("No proof of the sale")
        self.assertEqual((request.approval_state, request.reject_reason), ("rejected", "No proof of the sale"))
        self.assertEqual(card.rule_id, self.basement)
        # the card may be asked again
        self.assertEqual(self.request(card).approval_state, "to_approve")

    def test_request_checks(self):
        card = self.new_card(rule=self.ground, days_left=10)
        with self.assertRaisesRegex(ValidationError, "not cheaper"), self.env.cr.savepoint():
            self.Request.sudo(self.users["lot_staff"]).create({
                "card_id": card.id, "new_rule_id": self.basement.id, "reason": "x"})
        other_lot_rule = self.Rule.create({"name": "Elsewhere", "lot_id": self.lot_without_server.id, "price": 50})
        with self.assertRaisesRegex(ValidationError, "own lot"), self.env.cr.savepoint():
            self.Request.create({"card_id": card.id, "new_rule_id": other_lot_rule.id, "reason": "x"})
        # the card changed rule while the request waited: refused
        dear = self.new_card(plate="京B54321", rule=self.basement, days_left=10)
        request = self.request(dear)
        dearer = self.Rule.create({"name": "地库 300", "lot_id": self.lot.id, "price": 300})
        dear.action_change_rule(dearer)
        with self.assertRaisesRegex(UserError, "changed rule"):
            request.sudo(self.users["manager"]).action_approve()
        self.assertEqual((request.approval_state, dear.rule_id), ("to_approve", dearer))
