from datetime import datetime

from odoo.addons.ep_coupon.lib.limits import period_bounds
from odoo.tests.common import TransactionCase, at_install, post_install


@at_install(False)
@post_install(True)
class TestInstall(TransactionCase):

    def test_pure_core_is_reachable_from_odoo(self):
        self.assertEqual(period_bounds("week", datetime(2026, 11, 22))[0], datetime(2026, 11, 16))

    def test_menu_under_the_ep_root_for_its_role(self):
        menu = self.env.ref("ep_coupon.coupon_menu")
        self.assertEqual(menu.parent_id, self.env.ref("ep_device_bridge.ep_menu_root"))
        self.assertEqual(menu.groups_id, self.env.ref("ep_parking.group_operator"))
