# isort: skip_file
from . import ep_device  # noqa: F401
from . import ep_charging_tariff  # noqa: F401
from . import ep_charging_tariff_segment  # noqa: F401
from . import ep_charging_reservation_rule  # noqa: F401
from . import ep_charging_occupancy_rule  # noqa: F401
from . import ep_charging_station  # noqa: F401
from . import ep_charging_charger  # noqa: F401
from . import ep_charging_connector  # noqa: F401
from . import ep_charging_campaign  # noqa: F401
from . import ep_charging_meter_reading  # noqa: F401
from . import ep_charging_order  # noqa: F401
from . import ep_charging_occupancy  # noqa: F401
from . import ep_device_event  # noqa: F401
