from . import test_card  # noqa: F401
from . import test_install  # noqa: F401
from . import test_monthcard  # noqa: F401
from . import test_rule  # noqa: F401
from . import test_suspension  # noqa: F401
