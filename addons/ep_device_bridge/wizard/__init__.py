from . import ep_device_password  # noqa: F401
