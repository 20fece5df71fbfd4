# One import per line: several people add wizards at once.
from . import ep_monthcard_rule_change  # noqa: F401
