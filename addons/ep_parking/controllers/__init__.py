from . import api, export, login, payment, portal, qr, space_lock, unplated  # noqa: F401
