import json

from odoo.addons.ep_device_bridge.lib.protocol import Ack
from odoo.exceptions import AccessError, UserError

from .common import EpMonthcardCase


class TestCarLock(EpMonthcardCase):
    """§2.3.5 锁车: lock, unlock, follow the lot's lock or never lock, and read the lock state through
    the lot's local server; the card shows the lot's answer."""

    def setUp(self):
        super().setUp()
        self.card = self.new_card()
        self.card.plate_ids = [(0, 0, {"plate": "京B00001"})]
        self.staff_card = self.card.sudo(self.users["lot_staff"])

    def answer(self, command, result=0, message="ok", data=None):
        done = self.Command._apply_ack(command.device_id.site_code, command.device_id.code,
                                       Ack(command.uuid, result, message, data or {}))
        self.assertEqual(done, command)
        self.card.invalidate_cache()

    def test_lock_and_unlock(self):
        self.assertEqual((self.card.lock_state, self.card.lock_policy), ("unknown", "follow_lot"))
        self.staff_card.action_lock()
        command = self.card.lock_command_id
        self.assertEqual((command.command, command.device_id, command.origin_id), ("car_lock", self.server,
                                                                                   self.card.id))
        self.assertEqual(json.loads(command.args), {"card_id": self.card.id, "plate": "京A12345",
                                                    "plates": ["京A12345", "京B00001"]})
        self.assertEqual((self.card.lock_operation, self.card.lock_command_state, self.card.lock_state),
                         ("lock", "pending", "unknown"), "locked only once the lot says so")
        self.answer(command, message="locked")
        self.assertEqual((self.card.lock_state, self.card.lock_command_state, self.card.lock_message),
                         ("locked", "done", "locked"))
        self.assertIn("car_lock", self.card.message_ids[0].body)
        self.assertFalse(self.card.push_state, "a lock answer is no push answer")
        self.staff_card.action_unlock()
        self.assertEqual(self.card.lock_command_id.command, "car_unlock")
        self.answer(self.card.lock_command_id)
        self.assertEqual((self.card.lock_state, self.card.lock_command_state), ("unlocked", "done"))

    def test_refused_or_lost_lock_keeps_the_state(self):
        self.staff_card.action_lock()
        self.answer(self.card.lock_command_id, result=3, message="car not inside")
        self.assertEqual((self.card.lock_state, self.card.lock_command_state, self.card.lock_message),
                         ("unknown", "failed", "car not inside"))
        self.assertIn("car not inside", self.card.message_ids[0].body)
        self.staff_card.action_unlock()
        command = self.card.lock_command_id
        command._mark_dead("deadline passed")
        self.card.invalidate_cache()
        self.assertEqual((self.card.lock_command_state, self.card.lock_message), ("failed", "deadline passed"))

    def test_only_the_latest_request_decides(self):
        self.staff_card.action_lock()
        first = self.card.lock_command_id
        self.staff_card.action_unlock()
        self.answer(first)
        self.assertEqual((self.card.lock_state, self.card.lock_command_state), ("unknown", "pending"))
        self.answer(self.card.lock_command_id)
        self.assertEqual(self.card.lock_state, "unlocked")

    def test_follow_the_lot_or_never_lock(self):
        self.staff_card.action_lock_never()
        command = self.card.lock_command_id
        self.assertEqual((command.command, json.loads(command.args)["follow_lot"]), ("car_lock_policy", False))
        self.assertEqual(self.card.lock_policy, "follow_lot", "until the lot applied it")
        self.answer(command)
        self.assertEqual(self.card.lock_policy, "never")
        self.staff_card.action_lock_follow_lot()
        self.assertTrue(json.loads(self.card.lock_command_id.args)["follow_lot"])
        self.answer(self.card.lock_command_id)
        self.assertEqual(self.card.lock_policy, "follow_lot")

    def test_read_the_lock_state(self):
        self.staff_card.action_read_lock_state()
        command = self.card.lock_command_id
        self.assertEqual(command.command, "car_lock_state")
        self.answer(command, data={"locked": True, "follow_lot": False, "records": [
            {"time": "2018-09-01 08:00:00", "action": "lock", "by": "app"},
            {"time": "2018-09-01 18:00:00", "action": "unlock", "by": "lot"}]})
        self.assertEqual((self.card.lock_state, self.card.lock_policy, self.card.lock_command_state),
                         ("locked", "never", "done"))
        self.assertEqual(self.card.lock_records,
                         "2018-09-01 08:00:00 lock app\n2018-09-01 18:00:00 unlock lot")
        self.assertTrue(self.card.lock_date)
        self.staff_card.action_read_lock_state()
        self.answer(self.card.lock_command_id, data={"locked": False})
        self.assertEqual((self.card.lock_state, self.card.lock_policy, self.card.lock_records),
                         ("unlocked", "never", False))
        self.staff_card.action_read_lock_state()
        self.answer(self.card.lock_command_id, data={"state": "strange"})
        self.assertEqual(self.card.lock_state, "unknown", "no answer about the lock: unknown")

    def test_lock_refusals(self):
        disabled = self.new_card(plate="京A00002", state="disabled").sudo(self.users["lot_staff"])
        for action in (disabled.action_lock, disabled.action_unlock, disabled.action_lock_never,
                       disabled.action_lock_follow_lot):
            with self.assertRaisesRegex(UserError, "created or in-use"):
                action()
        disabled.action_read_lock_state()  # reading is harmless
        self.assertEqual(disabled.lock_command_id.command, "car_lock_state")
        bare = self.new_card(plate="京A00003", lot=self.lot_without_server, rule=self.Rule)
        with self.assertRaisesRegex(UserError, "no local server"):
            bare.sudo(self.users["lot_staff"]).action_lock()
        self.staff_card.action_lock()
        command = self.card.lock_command_id
        self.staff_card.action_cancel_card()
        for action in (self.staff_card.action_unlock, self.staff_card.action_read_lock_state):
            with self.assertRaisesRegex(UserError, "cancelled|created or in-use"):
                action()
        self.answer(command)  # a late answer is still recorded on the cancelled card
        self.assertEqual((self.card.state, self.card.lock_state), ("cancelled", "locked"))

    def test_lock_access(self):
        for user in (self.users["operator"], self.other_staff):
            for action in ("action_lock", "action_unlock", "action_lock_never", "action_read_lock_state"):
                with self.assertRaises(AccessError):
                    getattr(self.card.sudo(user), action)()
        self.assertFalse(self.card.lock_command_id)
        self.assertFalse(self.commands_of(self.card))
