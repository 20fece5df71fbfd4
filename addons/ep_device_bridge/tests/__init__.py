from . import test_settings  # noqa: F401
