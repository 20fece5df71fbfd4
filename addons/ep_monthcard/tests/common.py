from datetime import timedelta

from odoo import fields
from odoo.addons.ep_parking.tests.test_list_entry import EpListCase, stamp


def card_with_paid_renewal(rule, plate, reference):
    """A card of ``rule`` in use (20 days gone, 10 left) and a one-period online renewal of it paid by
    WeChat at the local test gateway with transaction ``reference``: (card, renewal, the gateway's
    notification to post)."""
    env = rule.env
    now = fields.Datetime.from_string(fields.Datetime.now())
    card = env["ep.monthcard"].create({
        "lot_id": rule.lot_id.id, "plate": plate, "rule_id": rule.id, "state": "in_use",
        "date_start": fields.Datetime.to_string(now - timedelta(days=20)),
        "date_end": fields.Datetime.to_string(now + timedelta(days=10))})
    wechat = env.ref("ep_parking.payment_method_wechat")
    renewal = env["ep.monthcard.renewal"]._create_renewal(card, 1, "online", channel=wechat)
    renewal.action_create_order()
    renewal.order_id.action_start_payment("/done")
    gateway = env["ep.parking.test.payment"]._find(renewal.order_id)
    gateway.write({"state": "paid", "paid_at": fields.Datetime.now(), "transaction": reference})
    return card, renewal, env["ep.parking.payment.provider"]._test_notification(gateway)


class EpMonthcardCase(EpListCase):
    """EpListCase's lot (with a local server) taking WeChat and cash, two gates, and a
    ground (100) and a basement (200) rule on it. Shared by the rule and card tests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.wechat = cls.env.ref("ep_parking.payment_method_wechat")
        cls.cash = cls.env.ref("ep_parking.payment_method_cash")
        cls.lot.write({"payment_method_ids": [(6, 0, [cls.wechat.id, cls.cash.id])], "online_payment": True})
        Device = cls.env["ep.device"]
        cls.gate_in = Device.create({"name": "Gate in", "code": "gate-in-t1", "site_code": "T-LOT-1",
                                     "kind": "gate", "direction": "in"})
        cls.gate_other = Device.create({"name": "Gate bare", "code": "gate-in-t2", "site_code": "T-LOT-2",
                                        "kind": "gate", "direction": "in"})
        cls.Rule = cls.env["ep.monthcard.rule"]
        cls.Card = cls.env["ep.monthcard"]
        cls.ground = cls.Rule.create({"name": "地面 100", "lot_id": cls.lot.id, "price": 100})
        cls.basement = cls.Rule.create({"name": "地库 200", "lot_id": cls.lot.id, "price": 200})

    def new_card(self, plate="京A12345", rule=None, days_left=20, state="in_use", lot=None, **vals):
        values = {"lot_id": (lot or self.lot).id, "plate": plate, "state": state,
                  "rule_id": (rule if rule is not None else self.ground).id,
                  "date_start": stamp(self.now - timedelta(days=10)),
                  "date_end": stamp(self.now + timedelta(days=days_left))}
        values.update(vals)
        return self.Card.create(values)

    def last_command(self, record):
        return self.commands_of(record)[-1:]
