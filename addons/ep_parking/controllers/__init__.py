from . import api, payment, portal, qr, unplated  # noqa: F401
