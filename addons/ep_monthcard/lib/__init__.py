"""Pure core of ep_monthcard: month-card periods and billing. No odoo import."""
import importlib


def sibling(addon, module):
    """``<addon>.lib.<module>`` under the name this package was imported with: bare under plain
    pytest, ``odoo.addons.<addon>`` inside Odoo (one copy of each module either way)."""
    prefix = __name__.split(".")[:-2]  # [] or ["odoo", "addons"]
    return importlib.import_module(".".join(prefix + [addon, "lib", module]))
