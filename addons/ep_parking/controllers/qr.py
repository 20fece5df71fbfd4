from odoo import http  # noqa: F401  (stub: QR material downloads)
