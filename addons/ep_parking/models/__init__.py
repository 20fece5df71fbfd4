# isort: skip_file
# Order matters: mixins before the models that inherit them.
from . import ep_parking_plate_mixin  # noqa: F401
from . import ep_parking_vendor_report_mixin  # noqa: F401
from . import ep_parking_region  # noqa: F401
from . import ep_parking_payment_method  # noqa: F401
from . import ep_parking_vendor  # noqa: F401
from . import ep_parking_ops_region  # noqa: F401
from . import ep_parking_lot  # noqa: F401
from . import ep_device  # noqa: F401
from . import ep_device_event  # noqa: F401
from . import ep_parking_lot_note  # noqa: F401
from . import ep_parking_document  # noqa: F401
from . import ep_parking_passage  # noqa: F401
from . import ep_parking_abnormal_opening  # noqa: F401
from . import ep_parking_list_entry  # noqa: F401
from . import ep_parking_reservation  # noqa: F401
from . import ep_parking_unplated  # noqa: F401
from . import ep_parking_vehicle  # noqa: F401
from . import res_partner  # noqa: F401
from . import res_users  # noqa: F401
from . import ep_parking_sms  # noqa: F401
from . import ep_parking_phone_verification  # noqa: F401
from . import ep_parking_tariff  # noqa: F401
from . import ep_parking_tariff_segment  # noqa: F401
from . import ep_parking_tariff_tier  # noqa: F401
