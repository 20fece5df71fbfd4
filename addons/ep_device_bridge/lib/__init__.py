"""Pure core of ep_device_bridge: the MQTT topic and payload contract. No odoo import."""
