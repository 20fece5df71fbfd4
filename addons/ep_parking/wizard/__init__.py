from . import ep_parking_lot_qr  # noqa: F401
