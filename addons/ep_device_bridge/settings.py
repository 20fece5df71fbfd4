"""Broker settings of the bridge, read from the [ep_device_bridge] section of odoo.conf."""
import os

from odoo.tools import config

from .lib.protocol import BrokerSettings

SECTION = "ep_device_bridge"


def mqtt_settings():
    """The broker settings in force: odoo.conf's section, then EP_MQTT_* overrides.

    The environment override lets tools/ep move the broker port without editing the
    configuration file (EP_MQTT_PORT), as it does for PostgreSQL.
    """
    values = dict(config.misc.get(SECTION, {}))
    for key in ("host", "port", "username", "password"):
        env_value = os.environ.get("EP_MQTT_%s" % key.upper())
        if env_value:
            values["mqtt_%s" % key] = env_value
    return BrokerSettings.from_mapping(values)
