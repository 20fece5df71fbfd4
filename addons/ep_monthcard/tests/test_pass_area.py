from datetime import timedelta
from decimal import Decimal

from odoo import fields
from odoo.addons.ep_parking.tests.common import ago, make_division, setup_payments
from odoo.exceptions import AccessError, ValidationError

from .common import EpMonthcardCase

PLATE = "京A12345"
TOKEN = Decimal("0.01")
TARIFF = Decimal("5.00")  # setup_payments' seed tariff: 2 h 30 (up to 3 h) costs 5


def later(value, **delta):
    return fields.Datetime.to_string(fields.Datetime.from_string(value) + timedelta(**delta))


class TestPassArea(EpMonthcardCase):
    """§2.3.5 一卡通: a valid card with a pass parks at the other lots of the area for 0.01 and leaves
    within 15 minutes of paying; elsewhere, or with an invalid card, the tariff applies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Lot = cls.env["ep.parking.lot"]
        # another division of the same region, and a lot of another company's tree
        cls.area_lot = Lot.create({"name": "Pass Lot", "code": "T-LOT-3", "region_id": cls.other_division.id})
        cls.far_lot = Lot.create({"name": "Far Lot", "code": "T-LOT-4",
                                  "region_id": make_division(cls.env, "FAR").id})
        cls.channels = {}
        for lot in (cls.area_lot, cls.far_lot):
            cls.channels.update(setup_payments(cls.env, lot, channels=("wechat",)))  # lot grace: 10 minutes
        cls.card = cls.env["ep.monthcard"].create({
            "lot_id": cls.lot.id, "plate": PLATE, "state": "in_use", "rule_id": cls.ground.id,
            "date_start": ago(days=10), "date_end": later(ago(days=0), days=20)})
        cls.Area = cls.env["ep.monthcard.pass.area"]
        cls.Member = cls.env["ep.monthcard.pass.area.member"]
        cls.Order = cls.env["ep.parking.order"]
        cls.area = cls.Area.create({"name": "北京一卡通", "lot_ids": [(6, 0, (cls.lot | cls.area_lot).ids)]})
        cls.member = cls.Member.sudo(cls.users["manager"]).create({"area_id": cls.area.id, "card_id": cls.card.id})

    def enter(self, lot, plate=PLATE, **delta):
        return self.env["ep.parking.passage"].create({
            "lot_id": lot.id, "plate": plate, "direction": "in", "passage_time": ago(**delta),
            "event_ref": "in-%s-%s" % (plate, delta)})

    def quote(self, lot, plate=PLATE, at=None):
        return self.Order._get_fee_quote(lot, plate, at=at)

    def test_token_then_fifteen_minutes_to_leave(self):
        self.enter(self.area_lot, hours=2, minutes=30)
        quote = self.quote(self.area_lot, "京a12345")
        self.assertEqual((quote["fee"], quote["amount_due"], quote["pass_area"], quote["month_card"]),
                         (TOKEN, TOKEN, self.area, False))
        self.assertEqual(quote["minutes"], 150)
        self.assertIn("北京一卡通", quote["lines"][0][0])
        self.assertTrue(self.Order._quote_to_json(quote)["one_card_pass"])
        order = self.Order._create_temporary_order(self.area_lot, PLATE, self.channels["wechat"])
        self.assertEqual((order.amount, order.pass_area_id, order.kind), (0.01, self.area, "temporary"))
        order._set_paid("TX-PASS-1")
        self.assertEqual(order.pay_until, later(order.paid_at, minutes=15), "the pass's window, not the lot's 10")
        within = self.quote(self.area_lot, at=later(order.paid_at, minutes=14))
        self.assertEqual((within["amount_due"], within["fee"], within["pay_until"]),
                         (Decimal("0.00"), TOKEN, order.pay_until))
        after = self.quote(self.area_lot, at=later(order.paid_at, minutes=16))
        self.assertEqual((after["amount_due"], after["fee"], after["paid"], after["pay_until"]),
                         (TOKEN, TOKEN * 2, TOKEN, False))

    def test_long_stay_costs_the_token_too(self):
        self.enter(self.area_lot, days=1, hours=2)
        self.assertEqual(self.quote(self.area_lot)["amount_due"], TOKEN)

    def test_own_lot_and_lot_outside_the_area(self):
        self.enter(self.lot, hours=2, minutes=30)
        own = self.quote(self.lot)
        self.assertEqual((own["month_card"], own["amount_due"]), (True, Decimal("0.00")))
        self.assertNotIn("pass_area", own)
        self.enter(self.far_lot, hours=2, minutes=30)
        far = self.quote(self.far_lot)
        self.assertEqual((far["amount_due"], far.get("pass_area")), (TARIFF, None))
        order = self.Order._create_temporary_order(self.far_lot, PLATE, self.channels["wechat"])
        self.assertFalse(order.pass_area_id)

    def test_invalid_card_or_pass_pays_the_tariff(self):
        self.enter(self.area_lot, hours=2, minutes=30)
        self.card.write({"date_end": ago(minutes=1)})
        self.assertEqual(self.quote(self.area_lot)["amount_due"], TARIFF, "expired card")
        self.card.write({"date_end": later(ago(days=0), days=20)})
        self.assertEqual(self.quote(self.area_lot)["amount_due"], TOKEN)
        self.card.action_disable()
        self.assertEqual(self.quote(self.area_lot)["amount_due"], TARIFF, "disabled card")
        self.card.action_enable()
        self.area.active = False  # 删除 the area
        self.assertEqual(self.quote(self.area_lot)["amount_due"], TARIFF, "archived area")
        self.area.active = True  # 恢复
        self.member.active = False
        self.assertEqual(self.quote(self.area_lot)["amount_due"], TARIFF, "withdrawn pass")
        self.member.active = True
        self.assertEqual(self.quote(self.area_lot)["amount_due"], TOKEN)
        self.enter(self.area_lot, plate="京B99999", hours=2, minutes=30)
        self.assertEqual(self.quote(self.area_lot, "京B99999")["amount_due"], TARIFF, "no card at all")

    def test_sub_plate_of_the_card_holds_the_pass(self):
        self.env["ep.monthcard.plate"].create({"card_id": self.card.id, "plate": "京C54321"})
        self.enter(self.area_lot, plate="京C54321", hours=2, minutes=30)
        self.assertEqual(self.quote(self.area_lot, "京C54321")["amount_due"], TOKEN)

    def test_region_tree_membership(self):
        """An area given by a region covers every lot of its divisions, now and later; not others."""
        region_area = self.Area.create({"name": "North", "region_ids": [(6, 0, self.region_node.ids)]})
        self.assertEqual(region_area.area_lot_ids, self.lot | self.lot_without_server | self.area_lot)
        self.member.area_id = region_area
        self.enter(self.area_lot, hours=2, minutes=30)
        self.assertEqual(self.quote(self.area_lot)["pass_area"], region_area)
        new_lot = self.env["ep.parking.lot"].create({"name": "New", "code": "T-LOT-5",
                                                     "region_id": self.other_division.id})
        self.assertIn(new_lot, region_area._get_area_lots())
        self.enter(self.far_lot, hours=2, minutes=30)
        self.assertEqual(self.quote(self.far_lot)["amount_due"], TARIFF)
        with self.assertRaisesRegex(ValidationError, "needs lots, divisions or regions"):
            region_area.write({"region_ids": [(5,)]})

    def test_grants_and_access(self):
        lot_staff, manager = self.users["lot_staff"], self.users["manager"]
        self.assertEqual((self.member.lot_id, self.member.plate, self.member.card_valid), (self.lot, PLATE, True))
        self.member.sudo(lot_staff).read(["plate"])
        self.area.sudo(self.users["operator"]).read(["name"])
        with self.assertRaises(AccessError):
            self.member.sudo(self.other_staff).read(["plate"])
        with self.assertRaises(AccessError):  # granting free parking across lots is the managers' call
            self.Member.sudo(lot_staff).create({"area_id": self.area.id, "card_id": self.new_card(plate="京D11111").id})
        with self.assertRaises(AccessError):
            self.Area.sudo(lot_staff).create({"name": "X", "lot_ids": [(6, 0, self.lot.ids)]})
        self.Area.sudo(manager).create({"name": "X", "lot_ids": [(6, 0, self.lot.ids)]})
        cancelled = self.new_card(plate="京D22222")
        cancelled.action_cancel_card()
        with self.assertRaisesRegex(ValidationError, "cancelled"):
            self.Member.sudo(manager).create({"area_id": self.area.id, "card_id": cancelled.id})

    def test_granted_on_an_approved_request(self):
        """§2.3.5 开通流程: the owner's 一号通审批 goes through the generic approvals first."""
        manager = self.users["manager"]
        process = self.env["ep.approval.process"].create({
            "name": "一号通审批", "level_ids": [(0, 0, {"user_id": manager.id})]})
        request = self.env["ep.approval.request"].sudo(self.users["lot_staff"]).create({
            "name": "一号通 %s" % PLATE, "process_id": process.id, "content": "Pass for the Pass Lot."})
        request.action_publish()
        card = self.new_card(plate="京D33333")
        with self.assertRaisesRegex(ValidationError, "approved request only"), self.env.cr.savepoint():
            self.Member.sudo(manager).create({"area_id": self.area.id, "card_id": card.id,
                                              "approval_request_id": request.id})
        request.sudo(manager).action_approve()
        member = self.Member.sudo(manager).create({"area_id": self.area.id, "card_id": card.id,
                                                   "approval_request_id": request.id})
        self.assertEqual(member.approval_request_id.approval_state, "approved")
