from datetime import datetime, timedelta
from unittest.mock import patch

from odoo import fields
from odoo.addons.ep_parking.tests.common import EpParkingLotCase, ago, setup_payments

PLATE = "粤B12345"


def at(moment):
    """Freeze fields.Datetime.now() at ``moment`` (a datetime, UTC)."""
    return patch.object(fields.Datetime, "now", return_value=fields.Datetime.to_string(moment))


def later(**delta):
    return datetime.utcnow() + timedelta(**delta)


class EpCouponCase(EpParkingLotCase):
    """A lot with the seed tariff (5 hours: 7.00), a fixed merchant with 5.00 / 10.00 coupons
    allocated and a variable merchant capped at 10.00, both approved."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.channels = setup_payments(cls.env, cls.lot)
        Type = cls.env["ep.coupon.type"]
        cls.type_5 = Type.create({"name": "5 off", "lot_id": cls.lot.id, "face_value": 5, "purchase_price": 4})
        cls.type_10 = Type.create({"name": "10 off", "lot_id": cls.lot.id, "face_value": 10, "purchase_price": 8})
        cls.fixed = cls._create_merchant("Coffee", "fixed")
        cls.variable = cls._create_merchant("Books", "variable", max_face_value=10)
        for coupon_type in (cls.type_5, cls.type_10):
            cls._allocate(cls.fixed, coupon_type, 3)

    @classmethod
    def _create_merchant(cls, name, kind, **vals):
        values = {"name": name, "phone": "1390000%04d" % (len(name) * 7 + len(kind)), "lot_id": cls.lot.id,
                  "kind": kind, "expiry_hours": 4}
        values.update(vals)
        merchant = cls.env["ep.coupon.merchant"].create(values)
        merchant.write({"state": "active"})
        return merchant

    @classmethod
    def _allocate(cls, merchant, coupon_type, count):
        batch = cls.env["ep.coupon.batch"].create({"merchant_id": merchant.id, "type_id": coupon_type.id,
                                                   "count": count, "source": "allocation"})
        batch.action_confirm()
        return batch

    def enter(self, plate=PLATE, **delta):
        return self.env["ep.parking.passage"].create({
            "lot_id": self.lot.id, "plate": plate, "direction": "in", "passage_time": ago(**delta),
            "event_ref": "in-%s-%s" % (plate, delta)})

    def leave(self, entry, **vals):
        values = {"lot_id": entry.lot_id.id, "plate": entry.plate, "direction": "out",
                  "passage_time": fields.Datetime.now(), "event_ref": "out-%s" % entry.id}
        values.update(vals)
        return self.env["ep.parking.passage"].create(values)

    def quote(self, plate=PLATE):
        return self.env["ep.parking.order"]._get_fee_quote(self.lot, plate)
