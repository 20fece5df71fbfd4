from . import api, export, payment, portal, qr, unplated  # noqa: F401
