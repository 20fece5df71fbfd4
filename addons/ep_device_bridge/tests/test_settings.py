import os
from unittest.mock import patch

from odoo.addons.ep_device_bridge.settings import mqtt_settings
from odoo.tests.common import TransactionCase, at_install, post_install
from odoo.tools import config


@at_install(False)
@post_install(True)
class TestBrokerSettings(TransactionCase):

    def test_read_from_odoo_conf_section(self):
        section = {"mqtt_host": "broker.example", "mqtt_port": "8883", "mqtt_username": "bridge",
                   "mqtt_password": "secret", "mqtt_tls": "true"}
        with patch.dict(config.misc, {"ep_device_bridge": section}), patch.dict(os.environ, {}, clear=False):
            for key in ("EP_MQTT_HOST", "EP_MQTT_PORT", "EP_MQTT_USERNAME", "EP_MQTT_PASSWORD"):
                os.environ.pop(key, None)
            settings = mqtt_settings()
        self.assertEqual((settings.host, settings.port, settings.username, settings.tls),
                         ("broker.example", 8883, "bridge", True))

    def test_environment_moves_the_port(self):
        with patch.dict(config.misc, {"ep_device_bridge": {"mqtt_port": "1884"}}), \
                patch.dict(os.environ, {"EP_MQTT_PORT": "2884"}):
            self.assertEqual(mqtt_settings().port, 2884)

    def test_root_menu_is_for_device_users(self):
        root = self.env.ref("ep_device_bridge.ep_menu_root")
        self.assertEqual(root.groups_id, self.env.ref("ep_device_bridge.group_device_user"))
