from decimal import Decimal

from odoo.addons.ep_parking.tests.common import EpParkingLotCase
from odoo.exceptions import AccessError, ValidationError

from ..lib.amounts import split_tax


class TestEinvoiceConfig(EpParkingLotCase):
    """000 §2.3.9 1-4: the seed's tax categories and their Odoo taxes, fee items, taxpayers and rules."""

    def test_seed_categories_and_their_taxes(self):
        parking = self.env.ref("ep_einvoice.tax_category_parking")
        self.assertEqual((parking.merged_code, parking.rate, parking.policy), ("3040502020200000000", 5.0,
                                                                               "按5%简易征收"))
        tax = parking.tax_id
        self.assertEqual((tax.amount, tax.price_include, tax.type_tax_use), (5.0, True, "sale"))
        # Odoo's tax on 100.00 (price included) is what the pure core splits out
        computed = tax.compute_all(100.0, currency=self.env.user.company_id.currency_id)
        net, vat = split_tax("100.00", 5)
        self.assertEqual((Decimal(str(computed["total_excluded"])), Decimal(str(computed["taxes"][0]["amount"]))),
                         (net, vat))
        self.assertEqual(self.env.ref("ep_einvoice.tax_category_property").tax_id.amount, 6.0)
        self.assertEqual(self.env.ref("ep_einvoice.fee_item_temporary").category_id, parking)

    def test_category_codes(self):
        Category = self.env["ep.einvoice.tax.category"]
        with self.assertRaisesRegex(ValidationError, "19 digits"), self.env.cr.savepoint():
            Category.create({"code": "123", "merged_code": "123", "short_name": "x", "name": "x", "rate": 5})
        with self.assertRaisesRegex(ValidationError, "does not start with"), self.env.cr.savepoint():
            Category.create({"code": "123", "merged_code": "4560000000000000000", "short_name": "x", "name": "x",
                             "rate": 5})

    def test_taxpayers_and_rules(self):
        Taxpayer = self.env["ep.einvoice.taxpayer"]
        with self.assertRaisesRegex(ValidationError, "not a valid taxpayer"), self.env.cr.savepoint():
            Taxpayer.create({"name": "Bad", "tax_number": "91440300MA5G1234XA"})
        seller = Taxpayer.create({"name": "Property Co", "tax_number": "9144 0300 MA5G 1234XY",
                                  "lot_ids": [(6, 0, self.lot.ids)]})
        self.assertEqual(seller.tax_number, "91440300MA5G1234XY")
        Rule = self.env["ep.einvoice.rule"]
        with self.assertRaisesRegex(ValidationError, "does not invoice for"), self.env.cr.savepoint():
            Rule.create({"lot_id": self.other_lot.id, "taxpayer_id": seller.id})
        rule = Rule.create({"lot_id": self.lot.id, "taxpayer_id": seller.id, "coupon": False})
        self.assertEqual([rule._accepts(kind) for kind in ("temporary", "coupon", "charging", "deposit", "other")],
                         [True, False, True, True, False])
        finance = self.users["finance"]
        self.assertEqual(Rule.sudo(finance).search([("id", "=", rule.id)]), rule)
        with self.assertRaises(AccessError):
            Rule.sudo(self.users["operator"]).search([])
