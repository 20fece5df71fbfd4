from . import ep_monthcard_rule_change  # noqa: F401
