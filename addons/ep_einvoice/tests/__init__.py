from . import (
    test_config,  # noqa: F401
    test_install,  # noqa: F401
)
