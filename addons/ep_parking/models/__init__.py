from . import (
    ep_parking_region,  # noqa: F401
    res_users,  # noqa: F401
)
