"""Settings of the bridge, read from the [ep_device_bridge] section of odoo.conf."""
import os

from odoo.tools import config

from .lib.protocol import BrokerSettings

SECTION = "ep_device_bridge"

# Defaults of the bridge's own knobs (odoo.conf keys without the mqtt_ prefix).
DEFAULTS = {
    "ack_timeout": "10",        # seconds before an unacked command is sent again (doubles each time)
    "ack_timeout_cap": "300",
    "max_attempts": "5",
    "poll_interval": "1.0",     # seconds between outbox scans when no NOTIFY arrives
    "batch_size": "500",        # inbound messages stored per transaction
    "session_expiry": "3600",   # seconds the broker keeps the inbound session (and its messages) with no bridge
    "password_file": "",        # Mosquitto password file EP Suite writes device accounts into
    "broker_pid_file": "",      # Mosquitto pid file, signalled (HUP) after the password file changes
}


def section():
    return config.misc.get(SECTION, {})


def bridge_option(key):
    """A bridge option: EP_BRIDGE_<KEY> from the environment, else odoo.conf, else the default."""
    return os.environ.get("EP_BRIDGE_%s" % key.upper()) or section().get(key) or DEFAULTS[key]


def mqtt_settings():
    """The broker settings in force: odoo.conf's section, then EP_MQTT_* overrides.

    The environment override lets tools/ep move the broker port without editing the
    configuration file (EP_MQTT_PORT), as it does for PostgreSQL.
    """
    values = dict(section())
    for key in ("host", "port", "username", "password"):
        env_value = os.environ.get("EP_MQTT_%s" % key.upper())
        if env_value:
            values["mqtt_%s" % key] = env_value
    return BrokerSettings.from_mapping(values)
