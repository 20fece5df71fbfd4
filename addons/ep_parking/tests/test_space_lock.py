"""Space locks and sharing (seed 000 §2.5, §2.6): roles, the "lowered by another" rule, windows,
paid sharing with its deposit refund, paid reservation entry. The lock's acks are played through
the bridge's ack handling (a real MQTT lock acks in tests/integration/test_space_lock.py)."""
from datetime import datetime, timedelta

from odoo import fields
from odoo.addons.ep_device_bridge.lib.protocol import Ack
from odoo.exceptions import AccessError, UserError, ValidationError

from .common import EpParkingLotCase, ago, setup_payments


def stamp(moment):
    return fields.Datetime.to_string(moment)


class SpaceLockCase(EpParkingLotCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.channels = setup_payments(cls.env, cls.lot)
        Lock = cls.env["ep.parking.space.lock"]
        cls.lock = Lock.create({"lot_id": cls.lot.id, "lock_code": "T0190014", "space": "B2-014",
                                "maker": "Dingding", "hardware_code": "DD-1"})
        cls.shared = Lock.create({"lot_id": cls.lot.id, "lock_code": "T0190015", "space": "B2-015",
                                  "maker": "Dingding", "hardware_code": "DD-2", "paid_sharing": True})
        Users = cls.env["res.users"]
        portal = cls.env.ref("base.group_portal")
        cls.owner, cls.sharer, cls.admin_user, cls.stranger = (Users.create({
            "name": name, "login": login, "groups_id": [(6, 0, portal.ids)]})
            for name, login in (("Owner", "13700000001"), ("Sharer", "13700000002"), ("Lot Admin", "13700000003"),
                                ("Stranger", "13700000004")))
        Grant = cls.env["ep.parking.space.lock.grant"]
        Grant.create({"lot_id": cls.lot.id, "lock_id": cls.lock.id, "phone": "13700000001", "role": "owner"})
        Grant.create({"lot_id": cls.lot.id, "phone": "137 0000 0003", "role": "admin"})
        cls.window = Grant.create({"lot_id": cls.lot.id, "lock_id": cls.lock.id, "phone": "13700000002",
                                   "role": "sharer", "date_start": ago(hours=1), "date_end": ago(hours=-2)})

    def operate(self, lock, action, user):
        return lock._operate(action, partner=user.partner_id, user=user)

    def ack(self, operation, result=0):
        command = operation.command_id
        self.assertEqual((command.command, command.device_id),
                         ("%s_lock" % operation.action, operation.lock_id.device_id))
        self.env["ep.device.command"]._apply_ack(command.device_id.site_code, command.device_id.code,
                                                 Ack(command.uuid, result, "ok" if not result else "jammed", {}))
        return operation


class TestSpaceLock(SpaceLockCase):

    def test_lock_is_a_device_of_the_bridge(self):
        device = self.lock.device_id
        self.assertEqual((device.kind, device.site_code, device.code, device.lot_id), ("space_lock", "T-LOT-1",
                                                                                     "lock-T0190014", self.lot))
        self.assertEqual(self.env["ep.parking.space.lock"]._find(lock_code=" T0190014 "), self.lock)
        self.assertEqual(self.env["ep.parking.space.lock"]._find(token=self.lock.qr_token), self.lock)
        with self.assertRaises(UserError):
            self.env["ep.parking.space.lock"]._find(lock_code="nope")

    def test_owner_operates_and_the_ack_sets_the_state(self):
        operation = self.operate(self.lock, "lower", self.owner)
        self.assertEqual((operation.state, operation.role, self.lock.lock_state), ("pending", "owner", "raised"))
        self.ack(operation)
        self.assertEqual((operation.state, self.lock.lock_state, self.lock.lowered_by_id),
                         ("done", "lowered", self.owner.partner_id))
        failed = self.ack(self.operate(self.lock, "raise", self.owner), result=3)
        self.assertEqual((failed.state, self.lock.lock_state), ("failed", "lowered"))
        self.assertIn("jammed", failed.error)
        self.ack(self.operate(self.lock, "raise", self.owner))
        self.assertEqual((self.lock.lock_state, self.lock.lowered_by_id.id), ("raised", False))
        self.assertEqual(len(self.lock.operation_ids), 3, "every operation is logged")

    def test_lowered_by_another_cannot_be_operated_but_by_admins(self):
        self.ack(self.operate(self.lock, "lower", self.sharer))
        for action in ("raise", "lower"):
            with self.assertRaisesRegex(UserError, "Someone else lowered"):
                self.operate(self.lock, action, self.owner)
        self.ack(self.operate(self.lock, "raise", self.admin_user))  # the lot's admin may always
        self.assertEqual(self.lock.lock_state, "raised")
        staff = self.users["lot_staff"]
        self.ack(self.lock.sudo(staff)._operate("lower", user=staff, via="staff"))
        self.assertEqual(self.lock.lowered_by_id, staff.partner_id)
        self.assertEqual(self.lock.operation_ids[:1].role, "admin")

    def test_who_has_no_grant_or_an_old_grant_cannot(self):
        with self.assertRaises(AccessError):
            self.operate(self.lock, "lower", self.stranger)
        with self.assertRaises(AccessError):
            self.operate(self.shared, "lower", self.owner)  # owners operate their own lock only
        far_staff = self._create_user("lot_staff", login="ep_test_lock_far", ep_region_ids=[(6, 0, [])])
        with self.assertRaises(AccessError):
            self.lock._operate("lower", user=far_staff)
        self.lock.grant_ids.filtered(lambda g: g.role == "owner").active = False
        with self.assertRaises(AccessError):
            self.operate(self.lock, "lower", self.owner)

    def test_sharing_window_before_inside_after(self):
        self.ack(self.operate(self.lock, "lower", self.sharer))  # inside
        self.ack(self.operate(self.lock, "raise", self.sharer))
        self.window.write({"date_start": ago(hours=-1), "date_end": ago(hours=-3)})  # not yet
        with self.assertRaisesRegex(UserError, "not open"):
            self.operate(self.lock, "lower", self.sharer)
        self.window.write({"date_start": ago(hours=3), "date_end": ago(hours=1)})  # over
        with self.assertRaisesRegex(UserError, "not open"):
            self.operate(self.lock, "lower", self.sharer)
        with self.assertRaises(ValidationError):
            self.window.write({"date_start": ago(hours=1), "date_end": ago(hours=2)})

    def test_grants_need_a_lock_and_a_valid_phone(self):
        Grant = self.env["ep.parking.space.lock.grant"]
        with self.assertRaises(ValidationError):
            Grant.create({"lot_id": self.lot.id, "phone": "13700000009", "role": "owner"})
        with self.assertRaises(UserError):
            Grant.create({"lot_id": self.lot.id, "lock_id": self.lock.id, "phone": "123", "role": "owner"})
        grant = Grant.create({"lot_id": self.lot.id, "lock_id": self.lock.id, "phone": "13700000004",
                              "role": "owner"})
        self.assertEqual(grant.partner_id, self.stranger.partner_id, "found by the phone login")
        self.assertFalse(Grant.sudo(self.users["operator"]).check_access_rights("create", raise_exception=False))


class TestPaidSharing(SpaceLockCase):

    def setUp(self):
        super().setUp()
        self.env["ep.parking.passage"].create({"lot_id": self.lot.id, "plate": "粤B20001", "direction": "in",
                                               "passage_time": ago(minutes=20), "event_ref": "lock-in-1"})

    def pay(self, order):
        order.action_start_payment("/done")
        self.env["ep.parking.test.payment"]._find(order)._pay()

    def test_deposit_lowers_then_stop_raises_and_refunds_once(self):
        Share = self.env["ep.parking.lock.share"]
        with self.assertRaisesRegex(UserError, "not shared"):
            Share._start(self.lock, "粤B20001", self.channels["wechat"])
        with self.assertRaisesRegex(UserError, "not in the lot"):
            Share._start(self.shared, "粤B99999", self.channels["wechat"])
        share = Share._start(self.shared, "粤B20001", self.channels["wechat"], partner=self.stranger.partner_id)
        self.assertEqual((share.state, share.deposit, share.order_id.amount, share.order_id.kind),
                         ("unpaid", 50.0, 50.0, "deposit"))
        self.pay(share.order_id)
        self.assertEqual(share.state, "in_use")
        lowering = self.shared.operation_ids[:1]
        self.assertEqual((lowering.action, lowering.via, lowering.share_id), ("lower", "paid_share", share))
        self.ack(lowering)
        self.assertEqual((self.shared.lock_state, self.shared.lowered_by_id), ("lowered", self.stranger.partner_id))
        with self.assertRaisesRegex(UserError, "in use"):
            Share._start(self.shared, "粤B20001", self.channels["wechat"])
        share.action_stop()
        self.assertEqual((share.state, share.order_id.state), ("stopping", "paid"), "refunded once the lock is up")
        share.action_stop()  # pressed again before the lock answered: one more raise, no refund yet
        raises = self.shared.operation_ids.filtered(lambda op: op.action == "raise")
        self.assertEqual(len(raises), 2)
        self.ack(raises[0])
        self.assertEqual((share.state, share.order_id.state, self.shared.lock_state), ("done", "refunded", "raised"))
        self.ack(raises[1])  # the second raise acks too: still one refund
        self.assertEqual(share.order_id.state, "refunded")
        self.assertEqual(len(share.order_id.refund_move_id), 1)
        with self.assertRaisesRegex(UserError, "not in use"):
            share.action_stop()


class TestPaidReservationEntry(SpaceLockCase):

    def test_fee_is_fixed_plus_prepaid_and_payment_pushes_the_whitelist(self):
        VirtualShare = self.env["ep.parking.virtual.share"]
        start = datetime.utcnow().replace(microsecond=0) + timedelta(hours=1)
        window = (stamp(start), stamp(start + timedelta(hours=7)))
        with self.assertRaisesRegex(UserError, "no paid reservations"):
            VirtualShare._request(self.lot, "粤B30001", *window, self.channels["wechat"])
        self.lot.write({"reservation_entry": True, "reservation_fee": 5})
        with self.assertRaisesRegex(UserError, "ends after"):
            VirtualShare._request(self.lot, "粤B30001", window[1], window[0], self.channels["wechat"])
        share = VirtualShare._request(self.lot, "粤B30001", *window, self.channels["wechat"])
        # seed tariff: 7 h = 5 for the first 3 h + 4 started hours = 9; plus the fixed 5
        self.assertEqual((share.fixed_fee, share.prepaid_fee, share.amount, share.order_id.amount),
                         (5.0, 9.0, 14.0, 14.0))
        self.assertFalse(share.list_entry_id)
        share.order_id.action_start_payment("/done")
        self.env["ep.parking.test.payment"]._find(share.order_id)._pay()
        entry = share.list_entry_id
        self.assertEqual((share.state, entry.plate, entry.list_type, entry.date_start, entry.date_end),
                         ("paid", "粤B30001", "white", window[0], window[1]))
        command = self.env["ep.device.command"].search([("origin_model", "=", entry._name),
                                                        ("origin_id", "=", entry.id)])
        self.assertEqual(len(command), 1, "the whitelist window is pushed to the lot")
        self.assertEqual(command.device_id, self.server)
