"""Pure core of ep_einvoice: tax numbers and invoice amounts. No odoo import."""
