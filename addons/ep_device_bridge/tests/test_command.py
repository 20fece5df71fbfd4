import json
from datetime import datetime, timedelta
from unittest.mock import patch

from odoo import fields
from odoo.addons.ep_device_bridge.lib.protocol import Ack
from odoo.addons.ep_device_bridge.models.ep_device import EpDevice
from odoo.exceptions import AccessError, UserError

from .common import EpBridgeCase

NOW = "2026-11-22 08:00:00"


def later(seconds, base=NOW):
    return fields.Datetime.to_string(fields.Datetime.from_string(base) + timedelta(seconds=seconds))


class TestCommand(EpBridgeCase):

    def test_send_queues_with_payload_and_origin(self):
        command = self.Command.send(self.gate, "open_gate", {"reason": "remote"}, origin=self.camera)
        self.assertEqual(command.state, "queued")
        self.assertEqual((command.origin_model, command.origin_id), ("ep.device", self.camera.id))
        self.assertEqual(command.mqtt_topic(), "ep/LOT-T/gate-t1/cmd")
        body = json.loads(command.payload())
        self.assertEqual((body["id"], body["cmd"], body["args"]), (command.uuid, "open_gate", {"reason": "remote"}))
        self.assertTrue(body["ts"].endswith("Z"))

    def test_send_refuses_bad_input(self):
        with self.assertRaises(UserError):
            self.Command.send(self.gate, "open_gate", ["not", "a", "dict"])
        with self.assertRaises(UserError):
            self.Command.send(self.gate, "", {})
        with self.assertRaises(UserError):
            self.Command.send(self.gate, "show", {"when": datetime(2026, 1, 1)})  # not JSON
        self.gate.active = False
        with self.assertRaises(UserError):
            self.Command.send(self.gate, "open_gate")

    def test_claim_due_skips_future_and_settled_commands(self):
        due = self.Command.send(self.gate, "a")
        due.next_attempt_at = NOW
        future = self.Command.send(self.gate, "b")
        future.next_attempt_at = later(60)
        settled = self.Command.send(self.gate, "c")
        settled.write({"state": "acked", "next_attempt_at": NOW})
        claimed = self.Command._claim_due(now=later(1))
        self.assertIn(due, claimed)
        self.assertNotIn(future, claimed)
        self.assertNotIn(settled, claimed)

    def test_retry_backoff_then_dead(self):
        command = self.Command.send(self.gate, "open_gate", max_attempts=3)
        command._mark_sent(NOW)
        self.assertEqual((command.state, command.attempts, command.next_attempt_at), ("sent", 1, later(10)))
        command._mark_sent(later(10))
        self.assertEqual(command.next_attempt_at, later(30))  # 10 s, then 20 s
        command._mark_sent(later(30))
        self.assertEqual(command.attempts, 3)
        reason = command._give_up_reason(later(70))
        self.assertIn("3 attempt", reason)
        command._mark_dead(reason)
        self.assertEqual(command.state, "dead")

    def test_deadline_kills_before_max_attempts(self):
        command = self.Command.send(self.gate, "open_gate", deadline=later(5))
        command._mark_sent(NOW)
        self.assertFalse(command._give_up_reason(later(4)))
        self.assertIn("deadline", command._give_up_reason(later(5)))

    def test_ack_settles_once(self):
        command = self.Command.send(self.gate, "open_gate")
        command._mark_sent(NOW)
        acked = self.Command._apply_ack("LOT-T", "gate-t1", Ack(command.uuid, 0, "ok", {"opened": True}))
        self.assertEqual(acked, command)
        self.assertEqual((command.state, command.result_code), ("acked", 0))
        self.assertEqual(json.loads(command.response), {"opened": True})
        acked_at = command.acked_at
        # duplicate ack with another result: ignored
        self.assertFalse(self.Command._apply_ack("LOT-T", "gate-t1", Ack(command.uuid, 5, "late", {})))
        self.assertEqual((command.state, command.acked_at), ("acked", acked_at))

    def test_device_error_fails_and_late_ack_after_dead_is_ignored(self):
        failing = self.Command.send(self.gate, "show_text")
        self.Command._apply_ack("LOT-T", "gate-t1", Ack(failing.uuid, 7, "busy", {}))
        self.assertEqual((failing.state, failing.result_code), ("failed", 7))
        self.assertIn("busy", failing.last_error)
        dead = self.Command.send(self.gate, "sync_time")
        dead._mark_dead("no ack")
        self.assertFalse(self.Command._apply_ack("LOT-T", "gate-t1", Ack(dead.uuid, 0, "", {})))
        self.assertEqual(dead.state, "dead")

    def test_ack_from_another_device_topic_is_ignored(self):
        command = self.Command.send(self.gate, "open_gate")
        self.assertFalse(self.Command._apply_ack("LOT-T", "cam-t1", Ack(command.uuid, 0, "", {})))
        self.assertEqual(command.state, "queued")
        self.assertFalse(self.Command._apply_ack("LOT-T", "gate-t1", Ack("no-such-id", 0, "", {})))

    def test_resend_dead_command(self):
        command = self.Command.send(self.gate, "open_gate")
        with self.assertRaises(UserError):
            command.action_resend()
        command._mark_sent(NOW)
        command._mark_dead("no ack after 1 attempt(s)")
        with self.assertRaises(AccessError):
            command.sudo(self.device_user).action_resend()
        command.sudo(self.device_manager).action_resend()
        self.assertEqual((command.state, command.attempts, command.last_error), ("queued", 0, False))

    def test_origin_hook_hears_the_result(self):
        heard = []

        def hook(origin, command):
            heard.append((origin, command.state))

        command = self.Command.send(self.gate, "open_gate", origin=self.camera)
        with patch.object(EpDevice, "_ep_device_command_done", hook, create=True):
            self.Command._apply_ack("LOT-T", "gate-t1", Ack(command.uuid, 0, "", {}))
            dead = self.Command.send(self.gate, "sync_time", origin=self.camera)
            dead._mark_dead("no ack")
        self.assertEqual(heard, [(self.camera, "acked"), (self.camera, "dead")])
        self.assertEqual(command.origin_ref, self.camera.display_name)
