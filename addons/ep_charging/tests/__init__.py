from . import (
    test_access,  # noqa: F401
    test_card,  # noqa: F401
    test_charger,  # noqa: F401
    test_install,  # noqa: F401
    test_portal,  # noqa: F401
    test_reduction,  # noqa: F401
    test_reservation,  # noqa: F401
    test_session,  # noqa: F401
    test_station,  # noqa: F401
    test_statistics,  # noqa: F401
    test_tariff,  # noqa: F401
)
