from . import api, export, login, payment, portal, qr, unplated  # noqa: F401
