from odoo.exceptions import AccessError

from .common import EinvoiceCase


class TestAccess(EinvoiceCase):
    """What the access sweep (issue 14 item 5) found: taxpayers follow the lots they invoice for."""

    def test_taxpayers_follow_their_lots(self):
        Taxpayer = self.env["ep.einvoice.taxpayer"]
        foreign = Taxpayer.create({"name": "Seller of the other lot", "tax_number": "91440300MA5F0001X2",
                                   "lot_ids": [(6, 0, self.other_lot.ids)]})
        common = Taxpayer.create({"name": "Seller of every lot", "tax_number": "91440300MA5F0002X3"})
        for role in ("lot_staff", "finance"):
            user = self.users[role]
            seen = Taxpayer.sudo(user).search([("id", "in", (self.seller | foreign | common).ids)])
            self.assertEqual(set(seen.ids), {self.seller.id, common.id}, role)
            with self.assertRaises(AccessError, msg=role):
                foreign.sudo(user).read(["name"])
        with self.assertRaises(AccessError):
            foreign.sudo(self.users["finance"]).write({"phone": "0755-2"})
        self.assertFalse(foreign.phone)
        self.seller.sudo(self.users["finance"]).write({"phone": "0755-3"})
        self.assertEqual(self.seller.phone, "0755-3")
