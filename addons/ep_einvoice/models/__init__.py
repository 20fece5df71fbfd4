# isort: skip_file
from . import ep_einvoice_tax_category  # noqa: F401
from . import ep_einvoice_fee_item  # noqa: F401
from . import ep_einvoice_taxpayer  # noqa: F401
from . import ep_einvoice_rule  # noqa: F401
