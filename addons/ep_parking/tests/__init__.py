from . import (
    test_access_rights,  # noqa: F401
    test_region,  # noqa: F401
)
