from . import test_install  # noqa: F401
