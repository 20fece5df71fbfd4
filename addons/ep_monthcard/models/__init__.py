# One import per line: several people add models at once.
from . import ep_monthcard_rule  # noqa: F401
from . import ep_monthcard  # noqa: F401
from . import ep_monthcard_plate  # noqa: F401
from . import ep_monthcard_suspension  # noqa: F401
from . import ep_parking_lot  # noqa: F401
from . import ep_parking_order  # noqa: F401
from . import ep_monthcard_renewal  # noqa: F401
