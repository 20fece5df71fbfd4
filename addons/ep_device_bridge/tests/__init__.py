from . import (
    test_command,  # noqa: F401
    test_device,  # noqa: F401
    test_event,  # noqa: F401
    test_settings,  # noqa: F401
)
