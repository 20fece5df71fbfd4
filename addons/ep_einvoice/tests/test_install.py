from odoo.addons.ep_einvoice.lib.taxid import is_valid_tax_id
from odoo.tests.common import TransactionCase, at_install, post_install


@at_install(False)
@post_install(True)
class TestInstall(TransactionCase):

    def test_pure_core_is_reachable_from_odoo(self):
        self.assertTrue(is_valid_tax_id("91350100M000100Y43"))

    def test_menu_under_the_ep_root_for_its_role(self):
        menu = self.env.ref("ep_einvoice.einvoice_menu")
        self.assertEqual(menu.parent_id, self.env.ref("ep_device_bridge.ep_menu_root"))
        self.assertEqual(menu.groups_id, self.env.ref("ep_parking.group_lot_staff") | self.env.ref(
            "ep_parking.group_finance") | self.env.ref("ep_parking.group_manager"))
