"""Pure core of ep_parking: plates, tariffs and other rules. No odoo import."""
