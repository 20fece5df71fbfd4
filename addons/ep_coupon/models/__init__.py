from . import (
    ep_coupon,  # noqa: F401
    ep_coupon_authorization,  # noqa: F401
    ep_coupon_batch,  # noqa: F401
    ep_coupon_campaign,  # noqa: F401
    ep_coupon_limit,  # noqa: F401
    ep_coupon_merchant,  # noqa: F401
    ep_coupon_preexit_config,  # noqa: F401
    ep_coupon_type,  # noqa: F401
    ep_parking_order,  # noqa: F401
)
