from odoo import models
from odoo.addons.ep_parking.lib.plate import normalize_plate


class EpParkingLot(models.Model):
    """Month cards answer "does this plate or owner hold a valid card here?" for lists
    (month card beats blacklist, §2.2.5) and system-review reservations (§2.2.6)."""

    _inherit = "ep.parking.lot"

    def _plate_has_valid_month_card(self, plate, at=None):
        self.ensure_one()
        domain = self.env["ep.monthcard"]._get_valid_domain(self, at) + [("plate", "=", normalize_plate(plate))]
        # sudo: the answer is a yes/no the lists and the owner app need whoever asks
        # (owners have no access to cards); no card data leaves this method.
        return bool(self.env["ep.monthcard"].sudo().search_count(domain)) \
            or super()._plate_has_valid_month_card(plate, at=at)

    def _partner_has_valid_month_card(self, partner, at=None):
        self.ensure_one()
        if not partner:
            return False
        domain = self.env["ep.monthcard"]._get_valid_domain(self, at) + [("partner_id", "=", partner.id)]
        # sudo: as above, a yes/no for the reservation check of the owner app.
        return bool(self.env["ep.monthcard"].sudo().search_count(domain)) \
            or super()._partner_has_valid_month_card(partner, at=at)
