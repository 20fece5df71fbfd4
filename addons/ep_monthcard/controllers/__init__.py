# isort: skip_file
# One import per line: several people add controllers at once.
from . import renewal  # noqa: F401
from . import application  # noqa: F401
from . import owner  # noqa: F401
