from odoo import http  # noqa: F401  (stub: unplated-car portal pages)
