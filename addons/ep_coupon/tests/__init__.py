from . import (
    test_authorization,  # noqa: F401
    test_concurrency,  # noqa: F401
    test_export,  # noqa: F401
    test_fee_query,  # noqa: F401
    test_install,  # noqa: F401
    test_issue,  # noqa: F401
    test_limits,  # noqa: F401
    test_merchant,  # noqa: F401
    test_portal,  # noqa: F401
)
