from . import (
    test_card,  # noqa: F401
    test_install,  # noqa: F401
    test_monthcard,  # noqa: F401
    test_rule,  # noqa: F401
    test_suspension,  # noqa: F401
)
