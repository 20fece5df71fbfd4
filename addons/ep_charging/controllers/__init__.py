from . import qr  # noqa: F401
