import json
from decimal import Decimal

from odoo.exceptions import AccessError, UserError, ValidationError

from .common import EpMonthcardCase


class TestRule(EpMonthcardCase):
    """§2.3.2 月卡规则: fields, validation, 下发 to the vendor, states and access."""

    def new_rule(self, role="lot_staff", **vals):
        values = {"name": "Rule", "lot_id": self.lot.id, "price": 150}
        values.update(vals)
        return self.Rule.sudo(self.users[role]).create(values)

    def test_defaults(self):
        rule = self.new_rule()
        self.assertEqual((rule.vehicle_kind, rule.rule_type, rule.min_purchase, rule.state),
                         ("small", "month", 1, "active"))
        self.assertEqual(rule.channel_ids, self.wechat | self.cash, "every channel of the lot by default")
        self.assertFalse(rule.device_ids)
        self.assertEqual(rule.region_id, self.division_node)
        self.assertEqual((rule._get_price(), rule._get_unit_months()), (Decimal("150.00"), 1))
        year = self.new_rule(rule_type="year", price="1000.5", channel_ids=[(6, 0, self.cash.ids)])
        self.assertEqual((year._get_price(), year._get_unit_months()), (Decimal("1000.50"), 12))
        self.assertEqual(year.channel_ids, self.cash)
        self.cash.for_month_card = False
        self.assertEqual(self.new_rule().channel_ids, self.wechat, "only channels that take month cards")

    def test_validation(self):
        for vals, message in (({"min_purchase": 0}, "at least 1"), ({"price": -1}, "cannot be negative"),
                              ({"device_ids": [(6, 0, self.gate_other.ids)]}, "is not a gate of"),
                              ({"device_ids": [(6, 0, self.server.ids)]}, "is not a gate of"),
                              ({"channel_ids": [(6, 0, self.env.ref("ep_parking.payment_method_alipay").ids)]},
                               "does not accept")):
            with self.assertRaisesRegex(ValidationError, message), self.env.cr.savepoint():
                self.new_rule(**vals)
        rule = self.new_rule(device_ids=[(6, 0, self.gate_in.ids)], min_purchase=3, price=0)
        self.assertEqual((rule.device_ids, rule.min_purchase), (self.gate_in, 3))

    def test_rule_with_cards_stays_at_its_lot(self):
        self.new_card(rule=self.ground)
        with self.assertRaisesRegex(ValidationError, "cannot move to another lot"), self.env.cr.savepoint():
            self.ground.write({"lot_id": self.lot_without_server.id, "channel_ids": [(5,)]})
        self.ground.invalidate_cache()
        self.assertEqual(self.ground.lot_id, self.lot)
        self.basement.write({"lot_id": self.lot_without_server.id, "channel_ids": [(5,)]})
        self.assertEqual(self.basement.lot_id, self.lot_without_server)

    def test_push_and_ack(self):
        rule = self.new_rule(device_ids=[(6, 0, self.gate_in.ids)], purchase_deadline="2030-12-31")
        self.assertFalse(rule.push_state)
        rule.action_push()
        command = rule.push_command_id
        self.assertEqual(self.commands_of(rule), command)
        self.assertEqual((command.command, command.device_id, command.state), ("monthcard_rule", self.server, "queued"))
        self.assertEqual(json.loads(command.args), {
            "rule_id": rule.id, "name": "Rule", "vehicle_kind": "small", "rule_type": "month",
            "devices": ["gate-in-t1"], "price": "150.00", "min_purchase": 1, "purchase_deadline": "2030-12-31",
            "state": "active"})
        self.assertEqual(rule.push_state, "pending")
        self.ack(command)
        self.assertEqual((rule.push_state, rule.push_message, rule.pushed_args), ("sent", "ok", command.args))
        self.assertFalse(rule.push_outdated)
        rule.sudo(self.users["lot_staff"]).price = 180
        self.assertTrue(rule.push_outdated, "changed since the vendor took it")
        rule.sudo(self.users["lot_staff"]).action_push()
        second = rule.push_command_id
        self.assertNotEqual(second, command)
        self.ack(second, result=7, message="rule refused")
        self.assertEqual((rule.push_state, rule.push_message), ("failed", "rule refused"))
        self.assertTrue(rule.push_outdated, "the vendor still holds the first version")
        self.assertIn("rule refused", rule.message_ids[0].body)

    def test_push_needs_a_local_server(self):
        rule = self.new_rule(lot_id=self.lot_without_server.id)
        with self.assertRaisesRegex(UserError, "no local server"):
            rule.action_push()

    def test_forbid_and_activate(self):
        rule = self.new_rule()
        with self.assertRaises(UserError):
            rule.action_activate()
        rule.sudo(self.users["lot_staff"]).action_forbid()
        self.assertEqual(rule.state, "forbidden")
        with self.assertRaises(UserError):
            rule.action_forbid()
        rule.sudo(self.users["lot_staff"]).action_activate()
        self.assertEqual(rule.state, "active")

    def test_access_by_role_and_region(self):
        with self.assertRaises(AccessError):
            self.new_rule(role="operator")
        rule = self.new_rule()
        self.assertEqual(rule.sudo(self.users["operator"]).name, "Rule")
        with self.assertRaises(AccessError):
            rule.sudo(self.users["operator"]).action_push()
        with self.assertRaises(AccessError):
            rule.sudo(self.users["operator"]).write({"price": 1})
        with self.assertRaises(AccessError):
            rule.sudo(self.users["lot_staff"]).unlink()
        self.assertFalse(self.Rule.sudo(self.other_staff).search([("id", "=", rule.id)]))
        with self.assertRaises(AccessError):
            rule.sudo(self.other_staff).read(["name"])
        with self.assertRaises(AccessError):
            rule.sudo(self.other_staff).action_push()
        self.assertFalse(self.commands_of(rule))
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            self.Rule.sudo(self.other_staff).create({"name": "X", "lot_id": self.lot.id, "price": 1})
        self.assertEqual(self.Rule.sudo(self.users["manager"]).search_count([("id", "=", rule.id)]), 1)
        rule.sudo(self.users["admin"]).unlink()
        self.assertFalse(rule.exists())

    def test_rule_menu_under_month_cards(self):
        menu = self.env.ref("ep_monthcard.ep_monthcard_rule_menu")
        self.assertEqual(menu.parent_id, self.env.ref("ep_monthcard.monthcard_menu"))
        self.assertEqual(menu.action, self.env.ref("ep_monthcard.ep_monthcard_rule_action"))
