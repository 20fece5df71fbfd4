# isort: skip_file
from . import ep_einvoice_tax_category  # noqa: F401
from . import ep_einvoice_fee_item  # noqa: F401
from . import ep_einvoice_taxpayer  # noqa: F401
from . import ep_einvoice_rule  # noqa: F401
from . import ep_einvoice_provider  # noqa: F401
from . import ep_einvoice_invoice  # noqa: F401
from . import ep_parking_lot  # noqa: F401
from . import ep_parking_order  # noqa: F401
from . import report_einvoice  # noqa: F401
