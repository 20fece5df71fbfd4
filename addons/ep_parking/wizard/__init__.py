from . import (
    ep_approval_reject,  # noqa: F401
    ep_parking_dashboard,  # noqa: F401
    ep_parking_lot_qr,  # noqa: F401
    ep_parking_tariff_simulator,  # noqa: F401
    ep_parking_tariff_simulator_stay,  # noqa: F401
    ep_parking_vendor_token,  # noqa: F401
    ep_parking_xlsx_export,  # noqa: F401
)
