from . import api, qr, unplated  # noqa: F401
