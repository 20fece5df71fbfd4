from odoo.exceptions import AccessError

from .common import EpParkingLotCase


class TestRegionRules(EpParkingLotCase):
    """Seed 000 §2.10.1: what staff see is their role's functions within their regions."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Passage = cls.env["ep.parking.passage"]
        cls.passage = Passage.create({"lot_id": cls.lot.id, "plate": "京A12345", "direction": "in",
                                      "passage_time": "2024-05-01 08:00:00"})
        cls.other_passage = Passage.create({"lot_id": cls.other_lot.id, "plate": "京A12345", "direction": "in",
                                            "passage_time": "2024-05-01 08:00:00"})
        cls.other_device = cls._create_device(cls.other_lot, "gate-x")

    def visible(self, user, model):
        return self.env[model].sudo(user).search([])

    def test_staff_see_only_their_regions(self):
        for role in ("operator", "lot_staff", "finance"):
            user = self.users[role]
            lots = self.visible(user, "ep.parking.lot")
            self.assertIn(self.lot, lots, role)
            self.assertNotIn(self.other_lot, lots, role)
            passages = self.visible(user, "ep.parking.passage")
            self.assertIn(self.passage, passages, role)
            self.assertNotIn(self.other_passage, passages, role)
            devices = self.visible(user, "ep.device")
            self.assertIn(self.gate_in, devices, role)
            self.assertNotIn(self.other_device, devices, role)
            with self.assertRaises(AccessError):
                self.other_lot.sudo(user).read(["name"])
            with self.assertRaises(AccessError):
                self.other_passage.sudo(user).read(["plate"])

    def test_managers_and_admins_see_everything(self):
        for role in ("manager", "admin"):
            lots = self.visible(self.users[role], "ep.parking.lot")
            self.assertIn(self.lot, lots)
            self.assertIn(self.other_lot, lots)
            self.assertIn(self.other_passage, self.visible(self.users[role], "ep.parking.passage"))

    def test_a_region_covers_its_divisions_and_a_lot_can_be_granted_alone(self):
        user = self.users["operator"]
        user.ep_region_ids = self.region_node
        self.assertIn(self.other_lot, self.visible(user, "ep.parking.lot"))
        user.ep_region_ids = False
        self.assertFalse(self.visible(user, "ep.parking.lot") & (self.lot | self.other_lot))
        user.ep_lot_ids = self.other_lot
        lots = self.visible(user, "ep.parking.lot")
        self.assertIn(self.other_lot, lots)
        self.assertNotIn(self.lot, lots)
        self.assertIn(self.other_passage, self.visible(user, "ep.parking.passage"))

    def test_who_may_edit_lots(self):
        self.lot.sudo(self.users["lot_staff"]).write({"space_count": 80})
        self.assertEqual(self.lot.space_count, 80)
        with self.assertRaises(AccessError):
            self.other_lot.sudo(self.users["lot_staff"]).write({"space_count": 80})
        with self.assertRaises(AccessError):
            self.lot.sudo(self.users["operator"]).write({"space_count": 90})
        with self.assertRaises(AccessError):
            self.env["ep.parking.lot"].sudo(self.users["manager"]).create(
                {"name": "New", "code": "T-NEW", "region_id": self.division_node.id})
        self.env["ep.parking.lot"].sudo(self.users["admin"]).create(
            {"name": "New", "code": "T-NEW", "region_id": self.division_node.id})

    def test_vendor_tokens_are_for_admins(self):
        vendor = self.vendor.sudo(self.users["manager"])
        self.assertTrue(vendor.has_token)
        with self.assertRaises(AccessError):
            vendor.read(["token_hash"])
        self.assertTrue(self.vendor.sudo(self.users["admin"]).token_hash)
        with self.assertRaises(AccessError):
            vendor.action_generate_token()

    def test_parts_of_a_tariff_or_device_follow_its_lot(self):
        """Segments and tiers of another lot's tariff, commands and events of another lot's device: lot
        staff neither see nor change them (found by the access sweep, issue 14 item 5)."""
        Tariff = self.env["ep.parking.tariff"]
        parts = {}
        for key, lot in (("own", self.lot), ("other", self.other_lot)):
            segmented = Tariff.create({"name": "Segments %s" % key, "lot_id": lot.id, "model": "time_segment",
                                       "segment_ids": [(0, 0, {"start": "00:00", "end": "24:00", "amount": 2})]})
            tiered = Tariff.create({"name": "Tiers %s" % key, "lot_id": lot.id, "model": "tiered",
                                    "tier_ids": [(0, 0, {"up_to_minutes": 60, "amount": 3})]})
            device = self.gate_in if key == "own" else self.other_device
            parts[key] = {
                "ep.parking.tariff.segment": segmented.segment_ids,
                "ep.parking.tariff.tier": tiered.tier_ids,
                "ep.device.command": self.env["ep.device.command"].send(device, "open_gate", {}),
                "ep.device.event": self.env["ep.device.event"].browse(list(self.env["ep.device.event"]._ingest([{
                    "site_code": device.site_code, "device_code": device.code, "event_id": "parts-%s" % key,
                    "event_type": "heartbeat", "payload": "{}"}]))),
            }
        user = self.users["lot_staff"]
        for model, own in parts["own"].items():
            other = parts["other"][model]
            visible = self.env[model].sudo(user).search([("id", "in", (own | other).ids)])
            self.assertEqual(visible, own.sudo(user), model)
            with self.assertRaises(AccessError, msg=model):
                other.sudo(user).read(["display_name"])
        for model in ("ep.parking.tariff.segment", "ep.parking.tariff.tier"):
            with self.assertRaises(AccessError, msg=model):
                parts["other"][model].sudo(user).write({"amount": 9})
            with self.assertRaises(AccessError, msg=model):
                parts["other"][model].sudo(user).unlink()
            parts["own"][model].sudo(user).write({"amount": 9})
        self.assertEqual(parts["other"]["ep.parking.tariff.tier"].amount, 3)

    def test_outsiders_see_no_lot(self):
        with self.assertRaises(AccessError):
            self.env["ep.parking.lot"].sudo(self.plain_user).search([])
