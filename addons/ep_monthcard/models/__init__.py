# isort: skip_file
# One import per line: several people add models at once.
from . import ep_monthcard_rule  # noqa: F401
from . import ep_monthcard  # noqa: F401
from . import ep_monthcard_plate  # noqa: F401
from . import ep_monthcard_suspension  # noqa: F401
from . import ep_parking_lot  # noqa: F401
from . import ep_parking_order  # noqa: F401
from . import ep_monthcard_renewal  # noqa: F401
from . import ep_monthcard_discount  # noqa: F401
from . import ep_monthcard_renewal_request  # noqa: F401
from . import ep_monthcard_application  # noqa: F401
from . import ep_monthcard_rule_change_request  # noqa: F401
from . import ep_monthcard_arrears_provider  # noqa: F401
from . import ep_monthcard_arrears_test  # noqa: F401
from . import ep_monthcard_billing_room  # noqa: F401
from . import ep_monthcard_bank_debit  # noqa: F401
from . import ep_monthcard_pass_area  # noqa: F401
from . import ep_monthcard_pass_area_member  # noqa: F401
from . import ep_monthcard_plate_swap  # noqa: F401
from . import ep_monthcard_comparison  # noqa: F401
from . import ep_monthcard_comparison_line  # noqa: F401
from . import ep_monthcard_reminder_channel  # noqa: F401
from . import ep_monthcard_reminder_setting  # noqa: F401
from . import ep_monthcard_reminder_provider  # noqa: F401
from . import ep_monthcard_reminder  # noqa: F401
from . import ep_monthcard_import_line  # noqa: F401
from . import ep_monthcard_import  # noqa: F401
