"""Pure core of ep_monthcard: month-card periods and billing. No odoo import."""
