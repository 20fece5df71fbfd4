from . import ep_charging_card_operation  # noqa: F401
