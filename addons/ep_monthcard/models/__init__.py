from . import (  # noqa: F401
    ep_monthcard,
    ep_parking_lot,
    ep_parking_order,
)
