from . import api, bigscreen, export, login, owner, payment, portal, qr, space_lock, unplated  # noqa: F401
