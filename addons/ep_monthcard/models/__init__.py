from . import (  # noqa: F401
    ep_monthcard,
    ep_monthcard_plate,
    ep_monthcard_rule,
    ep_monthcard_suspension,
    ep_parking_lot,
    ep_parking_order,
)
