from . import api, claim, held, portal  # noqa: F401
