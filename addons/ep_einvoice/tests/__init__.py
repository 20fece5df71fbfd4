from . import (
    test_access,  # noqa: F401
    test_config,  # noqa: F401
    test_install,  # noqa: F401
    test_invoice,  # noqa: F401
    test_portal,  # noqa: F401
)
