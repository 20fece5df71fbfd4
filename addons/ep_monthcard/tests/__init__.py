from . import (
    test_install,  # noqa: F401
    test_monthcard,  # noqa: F401
)
