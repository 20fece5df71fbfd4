"""Pure core of ep_charging: tariffs, occupancy fees, campaigns. No odoo import."""
