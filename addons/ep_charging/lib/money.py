"""Money as Decimal: the shared helpers of ep_parking's pure core (``ep_parking/lib/money.py``),
imported under the name this package was imported with (bare under pytest, ``odoo.addons`` in Odoo)."""
import importlib

_money = importlib.import_module(".".join(__name__.split(".")[:-3] + ["ep_parking", "lib", "money"]))
CENT, to_decimal, round_half_up = _money.CENT, _money.to_decimal, _money.round_half_up
