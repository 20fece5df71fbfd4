from . import ep_einvoice_issue_wizard  # noqa: F401
