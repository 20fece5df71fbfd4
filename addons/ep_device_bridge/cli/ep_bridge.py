"""``odoo-bin ep-bridge``: the MQTT bridge process (see bridge/runner.py)."""
import argparse
import logging
import signal
import socket

import odoo
from odoo.cli.command import Command, commands

_logger = logging.getLogger(__name__)


class EpBridge(Command):
    """Run the EP MQTT bridge: outbox publisher and inbound device reports"""

    def run(self, args):
        parser = argparse.ArgumentParser(prog="odoo-bin ep-bridge", description=self.__doc__)
        parser.add_argument("--instance", default=socket.gethostname(),
                            help="stable name of this bridge (its MQTT session); unique per running bridge")
        options, odoo_args = parser.parse_known_args(args)
        odoo.tools.config.parse_config(odoo_args)
        dbname = odoo.tools.config["db_name"]
        if not dbname or "," in dbname:
            parser.error("name exactly one database with -d")
        from ..bridge.runner import Bridge

        bridge = Bridge(dbname, options.instance)
        signal.signal(signal.SIGTERM, lambda *_: bridge.stop())
        signal.signal(signal.SIGINT, lambda *_: bridge.stop())
        bridge.run()


# Odoo 11 names commands after the lowercased class name; ours is spelled with a dash.
commands["ep-bridge"] = commands.pop(EpBridge.name)
