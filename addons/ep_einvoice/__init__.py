# Odoo imports this package as ``odoo.addons.ep_einvoice``: only then load the Odoo
# glue. Imported under its bare name (plain pytest of ``lib/``, outside tools), the
# package stays Odoo-free so the pure core can be used without a server.
if __name__.startswith("odoo.addons."):
    from . import controllers, models, wizard  # noqa: F401
