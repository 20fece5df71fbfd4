from . import ep_bridge  # noqa: F401
