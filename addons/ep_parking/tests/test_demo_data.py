"""Our demo data next to Odoo's: nothing in it may break what Odoo's own tests assume (tools/ep test-host)."""
from collections import Counter

from odoo.tests.common import TransactionCase, at_install, post_install


@at_install(False)
@post_install(True)  # once every EP addon has loaded its demo data
class TestDemoData(TransactionCase):

    def test_demo_partners_have_names_of_their_own(self):
        """Odoo's base test_api.test_80_sorted sorts all partners by name and assumes no two share one:
        two demo owners both called "Zhang Wei" (ep_parking, ep_charging) failed it."""
        data = self.env["ir.model.data"].search([("model", "=", "res.partner")])
        partners = self.env["res.partner"].browse(data.mapped("res_id")).exists()
        ours = data.filtered(lambda row: row.module.startswith("ep_")).mapped("res_id")
        self.assertTrue(ours, "the EP addons' demo owners")
        counts = Counter(partners.mapped("name"))
        shared = {partner.name for partner in partners.browse(ours).exists() if counts[partner.name] > 1}
        self.assertFalse(shared, "demo partners of the EP addons sharing their name with another demo partner")
