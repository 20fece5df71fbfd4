from . import portal, qr  # noqa: F401
