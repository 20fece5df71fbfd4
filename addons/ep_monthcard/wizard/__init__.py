# isort: skip_file
# One import per line: several people add wizards at once.
from . import ep_monthcard_rule_change  # noqa: F401
from . import ep_monthcard_renew_wizard  # noqa: F401
from . import ep_monthcard_bind  # noqa: F401
from . import ep_monthcard_plate_swap_wizard  # noqa: F401
from . import ep_monthcard_export  # noqa: F401
from . import ep_monthcard_report_compare  # noqa: F401
