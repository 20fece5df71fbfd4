from . import api, claim, portal
