from datetime import datetime

from odoo.addons.ep_monthcard.lib.period import period_end
from odoo.tests.common import TransactionCase, at_install, post_install


@at_install(False)
@post_install(True)
class TestInstall(TransactionCase):

    def test_pure_core_is_reachable_from_odoo(self):
        self.assertEqual(period_end(datetime(2018, 9, 26), 2), datetime(2018, 11, 25, 23, 59, 59))

    def test_menu_under_the_ep_root_for_its_role(self):
        menu = self.env.ref("ep_monthcard.monthcard_menu")
        self.assertEqual(menu.parent_id, self.env.ref("ep_device_bridge.ep_menu_root"))
        self.assertEqual(menu.groups_id, self.env.ref("ep_parking.group_operator"))
