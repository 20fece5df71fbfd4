"""Loaded by Python at start-up when runtime/ is on PYTHONPATH (pytest against Odoo)."""
import odoo_py311  # noqa: F401
