from odoo import _, api, models
from odoo.exceptions import UserError

DEFAULT_PROVIDER = "test"


class EpParkingProviderMixin(models.AbstractModel):
    """An interface to an outside service we cannot reach here (SMS gateway, property-fee system,
    app push…): the provider in use is the abstract model ``<_name>.<name>``, ``<name>`` read from
    the system parameter ``_provider_param`` (default ``test``, the local test provider). A real
    service is one more abstract model inheriting the interface."""

    _name = "ep.parking.provider.mixin"
    _description = "EP Provider Interface"

    _provider_param = None  # e.g. "ep_parking.sms_provider"

    @api.model
    def _get_provider_name(self):
        # sudo: system parameters are for administrators; visitors, owners, staff and crons call
        # the providers alike (only the provider's name is read).
        value = self.env["ir.config_parameter"].sudo().get_param(self._provider_param)
        return (value or DEFAULT_PROVIDER).strip()

    @api.model
    def _get_provider(self):
        name = self._get_provider_name()
        model = "%s.%s" % (self._name, name)
        if model not in self.env:
            raise UserError(_("Unknown provider %(name)s for %(service)s: check the system parameter %(param)s.")
                            % {"name": name, "service": self._description, "param": self._provider_param})
        return self.env[model]

    @api.model
    def _is_test_mode(self):
        return self._get_provider_name() == DEFAULT_PROVIDER
