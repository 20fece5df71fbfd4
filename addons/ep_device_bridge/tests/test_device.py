import os
import tempfile
from unittest.mock import patch

from psycopg2 import IntegrityError

from odoo.addons.ep_device_bridge.lib import mosquitto
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import config, mute_logger

from .common import EpBridgeCase


class TestDevice(EpBridgeCase):

    def test_codes_must_be_topic_safe_and_unique(self):
        with self.assertRaises(ValidationError):
            self.env["ep.device"].create({"name": "Bad", "code": "gate/1", "site_code": "LOT-T"})
        with self.assertRaises(IntegrityError), self.cr.savepoint(), mute_logger("odoo.sql_db"):
            self.env["ep.device"].create({"name": "Dup", "code": "gate-t1", "site_code": "LOT-T"})

    def test_mqtt_user_defaults_to_code(self):
        self.assertEqual(self.gate.mqtt_username, "gate-t1")

    def test_topics_of_another_sites_device_are_foreign(self):
        """ep/<site>/<device>: the broker checks the device level against the account, not the site."""
        self.env["ep.device"].create({"name": "Twin", "code": "gate-t1", "site_code": "LOT-U",
                                      "mqtt_username": "lot-u.gate-t1"})
        keys = {("LOT-T", "gate-t1"), ("LOT-U", "gate-t1"), ("LOT-V", "gate-t1"), ("LOT-U", "cam-x"),
                ("LOT-T", "lot-u.gate-t1")}
        self.assertEqual(self.env["ep.device"]._foreign_topics(keys),
                         {("LOT-U", "gate-t1"), ("LOT-V", "gate-t1"), ("LOT-T", "lot-u.gate-t1")})
        self.assertFalse(self.env["ep.device"]._foreign_topics({("LOT-T", "cam-t1"), ("LOT-T", "gate-t1")}))

    def test_presence(self):
        self.gate._set_presence(True, "2026-11-22 08:00:00")
        self.assertTrue(self.gate.online)
        self.gate._set_presence(False, "2026-11-22 08:05:00")
        self.assertEqual((self.gate.online, self.gate.presence_changed_at), (False, "2026-11-22 08:05:00"))

    def test_late_report_does_not_move_presence_back(self):
        self.gate._set_presence(True, "2026-11-22 08:05:00")
        self.gate._set_presence(True, "2026-11-22 08:00:00")  # a heartbeat delivered late
        self.assertEqual(self.gate.last_seen, "2026-11-22 08:05:00")
        self.gate._set_presence(False, "2026-11-22 08:04:00")  # the broker's late last will still counts
        self.assertEqual((self.gate.online, self.gate.last_seen, self.gate.presence_changed_at),
                         (False, "2026-11-22 08:05:00", "2026-11-22 08:04:00"))

    def test_generated_password_is_shown_once_and_hashed(self):
        action = self.gate.sudo(self.device_manager).action_generate_mqtt_password()
        wizard = self.env["ep.device.password"].browse(action["res_id"])
        self.assertTrue(mosquitto.check_password(wizard.password, self.gate.mqtt_password_hash))
        self.assertTrue(self.gate.has_mqtt_password)
        with self.assertRaises(AccessError):
            self.gate.sudo(self.device_user).action_generate_mqtt_password()
        with self.assertRaises(AccessError):
            self.gate.sudo(self.device_user).read(["mqtt_password_hash"])

    def test_sync_writes_device_accounts_and_keeps_others(self):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "passwd")
            with open(path, "w") as handle:
                handle.write("ep-bridge:$7$101$abc$def\ngate-t1:$7$101$old$old\n")
            self.gate.set_mqtt_password("s3cret")
            self.camera.active = False
            self.camera.set_mqtt_password("other")
            section = dict(config.misc.get("ep_device_bridge", {}), password_file=path, broker_pid_file="")
            with patch.dict(config.misc, {"ep_device_bridge": section}):
                self.assertTrue(self.env["ep.device"].sync_broker_accounts())
            with open(path) as handle:
                lines = dict(line.split(":", 1) for line in handle.read().splitlines())
        self.assertEqual(lines["ep-bridge"], "$7$101$abc$def")
        self.assertTrue(mosquitto.check_password("s3cret", lines["gate-t1"]))
        self.assertNotIn("cam-t1", lines)  # archived devices lose their account
