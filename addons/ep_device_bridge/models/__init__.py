from . import (
    ep_device,  # noqa: F401
    ep_device_command,  # noqa: F401
    ep_device_event,  # noqa: F401
)
