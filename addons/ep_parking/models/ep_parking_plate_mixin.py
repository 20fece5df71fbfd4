from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib.plate import is_valid_plate, normalize_plate


class EpParkingPlateMixin(models.AbstractModel):
    """A licence plate stored normalised (see lib/plate.py) and checked on save."""

    _name = "ep.parking.plate.mixin"
    _description = "Licence Plate Mixin"

    plate = fields.Char(required=True, index=True, help="Licence plate, e.g. 粤B12345; unplated cars: EP + 5 digits.")

    @api.model
    def _normalize_plate_vals(self, vals):
        if vals.get("plate"):
            vals = dict(vals, plate=normalize_plate(vals["plate"]))
        return vals

    @api.model
    def create(self, vals):
        return super().create(self._normalize_plate_vals(vals))

    @api.multi
    def write(self, vals):
        return super().write(self._normalize_plate_vals(vals))

    @api.constrains("plate")
    def _check_plate(self):
        for record in self:
            if record.plate and not is_valid_plate(record.plate):
                raise ValidationError(_("%s is not a valid licence plate.") % record.plate)
