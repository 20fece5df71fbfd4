# isort: skip_file
from . import test_access_rights  # noqa: F401
from . import test_region  # noqa: F401
from . import test_lot  # noqa: F401
from . import test_region_rules  # noqa: F401
from . import test_passage  # noqa: F401
from . import test_vendor_api  # noqa: F401
from . import test_unplated  # noqa: F401
from . import test_list_entry  # noqa: F401
from . import test_reservation  # noqa: F401
from . import test_lot_note  # noqa: F401
from . import test_document  # noqa: F401
from . import test_qr  # noqa: F401
from . import test_vehicle  # noqa: F401
from . import test_tariff  # noqa: F401
from . import test_cash_report  # noqa: F401
from . import test_payment_portal  # noqa: F401
from . import test_order  # noqa: F401
