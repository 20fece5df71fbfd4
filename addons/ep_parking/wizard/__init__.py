from . import (
    ep_parking_lot_qr,  # noqa: F401
    ep_parking_vendor_token,  # noqa: F401
)
