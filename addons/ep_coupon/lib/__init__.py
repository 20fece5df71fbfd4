"""Pure core of ep_coupon: coupon choice, limits and pre-exit rules. No odoo import."""
