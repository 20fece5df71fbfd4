import logging
from decimal import Decimal

from odoo import _, api, models
from odoo.addons.ep_parking.models.ep_parking_tariff import monetary_to_decimal
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

PROVIDER_PARAM = "ep_monthcard.arrears_provider"


class EpMonthcardArrearsProvider(models.AbstractModel):
    """The property-fee system's interface (收费系统 / E费通, seed 000 §2.3.5 绑定物业费): does a
    billing room owe property fees?

    ``_get_arrears(room_code)`` asks the provider named by the system parameter
    ``ep_monthcard.arrears_provider`` (default ``test``): the abstract model
    ``ep.monthcard.arrears.provider.<name>``, which implements ``_fetch_arrears(room_code)``
    (the amount owed, 0 when paid up) and may give ``_fetch_payment_url(room_code)``, the page
    where the owner pays the property fee. A real system is one more abstract model inheriting
    this one.
    """

    _name = "ep.monthcard.arrears.provider"
    _inherit = "ep.parking.provider.mixin"
    _description = "Property-Fee Arrears Provider"
    _provider_param = PROVIDER_PARAM

    @api.model
    def _get_arrears(self, room_code):
        """What the room ``room_code`` owes on its property fee (Decimal, 0.00 when paid up)."""
        if not room_code:
            raise UserError(_("The billing room has no property-fee room code."))
        amount = monetary_to_decimal(self._get_provider()._fetch_arrears(room_code))
        return max(amount, Decimal("0.00"))

    @api.model
    def _get_payment_url(self, room_code):
        """Where the owner pays the room's property fee (None when the provider does not say)."""
        return self._get_provider()._fetch_payment_url(room_code) or None

    @api.model
    def _fetch_arrears(self, room_code):
        raise NotImplementedError

    @api.model
    def _fetch_payment_url(self, room_code):
        return None


class EpMonthcardArrearsProviderTest(models.AbstractModel):
    """Asks nobody: the rooms in arrears are the rows of ``ep.monthcard.arrears.test``, which
    administrators edit to play the property-fee system."""

    _name = "ep.monthcard.arrears.provider.test"
    _inherit = "ep.monthcard.arrears.provider"
    _description = "Property-Fee Arrears Provider: Test"

    @api.model
    def _fetch_arrears(self, room_code):
        # sudo: the rows stand for the property-fee system, which anybody's payment consults.
        row = self.env["ep.monthcard.arrears.test"].sudo().search([("room_code", "=", room_code)], limit=1)
        _logger.debug("test arrears provider: %s owes %s", room_code, row.amount if row else 0)
        return row.amount if row else 0
