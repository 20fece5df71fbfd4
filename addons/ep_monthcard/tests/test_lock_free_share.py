"""Free sharing of a space lock with a month-card car of the lot (seed 000 §2.6.1)."""
from datetime import timedelta

from odoo.addons.ep_device_bridge.lib.protocol import Ack
from odoo.addons.ep_parking.tests.test_list_entry import stamp
from odoo.exceptions import UserError

from .common import EpMonthcardCase


class TestLockFreeSharing(EpMonthcardCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lock = cls.env["ep.parking.space.lock"].create({
            "lot_id": cls.lot.id, "lock_code": "T0290001", "space": "B1-001", "maker": "Dingding",
            "hardware_code": "DD-9"})
        portal = cls.env.ref("base.group_portal")
        cls.owner, cls.neighbour = (cls.env["res.users"].create({
            "name": name, "login": login, "groups_id": [(6, 0, portal.ids)]})
            for name, login in (("Owner", "13500000001"), ("Neighbour", "13500000002")))
        cls.env["ep.parking.space.lock.grant"].create({"lot_id": cls.lot.id, "lock_id": cls.lock.id,
                                                       "phone": "13500000001", "role": "owner"})

    def share(self, plate="京A12345", user=None, start=-1, end=3):
        Grant = self.env["ep.parking.space.lock.grant"]
        return Grant._share_free(self.lock, plate, "13500000002", stamp(self.now + timedelta(hours=start)),
                                 stamp(self.now + timedelta(hours=end)), owner=(user or self.owner).partner_id)

    def test_owner_shares_with_a_month_card_car_for_a_window(self):
        with self.assertRaisesRegex(UserError, "no valid month card"):
            self.share()
        self.new_card(plate="京A12345")
        with self.assertRaisesRegex(UserError, "Only the owner"):
            self.share(user=self.neighbour)
        grant = self.share()
        self.assertEqual((grant.role, grant.source, grant.plate, grant.partner_id, grant.shared_by_id),
                         ("sharer", "free_share", "京A12345", self.neighbour.partner_id, self.owner.partner_id))
        operation = self.lock._operate("lower", user=self.neighbour)
        self.assertEqual(operation.role, "sharer")
        command = operation.command_id
        self.env["ep.device.command"]._apply_ack(command.device_id.site_code, command.device_id.code,
                                                 Ack(command.uuid, 0, "ok", {}))
        self.assertEqual((self.lock.lock_state, self.lock.lowered_by_id), ("lowered", self.neighbour.partner_id))
        # the owner cannot take it back while the sharer uses it; after the window the sharer cannot either
        with self.assertRaisesRegex(UserError, "Someone else"):
            self.lock._operate("raise", user=self.owner)
        grant.write({"date_start": stamp(self.now - timedelta(hours=5)),
                     "date_end": stamp(self.now - timedelta(hours=1))})
        with self.assertRaisesRegex(UserError, "not open"):
            self.lock._operate("raise", user=self.neighbour)
