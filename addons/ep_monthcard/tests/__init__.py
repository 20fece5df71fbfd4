# isort: skip_file
from . import (
    test_application,  # noqa: F401
    test_application_portal,  # noqa: F401
    test_billing_room,  # noqa: F401
    test_binding,  # noqa: F401
    test_car_lock,  # noqa: F401
    test_card,  # noqa: F401
    test_comparison,  # noqa: F401
    test_discount,  # noqa: F401
    test_import,  # noqa: F401
    test_import_hostile,  # noqa: F401
    test_install,  # noqa: F401
    test_lock_free_share,  # noqa: F401
    test_monthcard,  # noqa: F401
    test_pass_area,  # noqa: F401
    test_plate_swap,  # noqa: F401
    test_reminder,  # noqa: F401
    test_renewal,  # noqa: F401
    test_renewal_portal,  # noqa: F401
    test_renewal_concurrency,  # noqa: F401
    test_renewal_request,  # noqa: F401
    test_owner_portal,  # noqa: F401
    test_report,  # noqa: F401
    test_rule,  # noqa: F401
    test_rule_change_request,  # noqa: F401
    test_suspension,  # noqa: F401
)
