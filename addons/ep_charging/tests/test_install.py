from datetime import datetime
from decimal import Decimal

from odoo.addons.ep_charging.lib.occupancy import occupancy_fee
from odoo.tests.common import TransactionCase, at_install, post_install


@at_install(False)
@post_install(True)
class TestInstall(TransactionCase):

    def test_pure_core_is_reachable_from_odoo(self):
        rule = {"free_after_charge_minutes": 15, "free_after_arrival_minutes": 15,
                "unit_minutes": 30, "unit_price": "1.5"}
        fee = occupancy_fee(rule, None, datetime(2026, 1, 1, 8), datetime(2026, 1, 1, 9), 10)
        self.assertEqual(fee.fee, Decimal("3.00"))

    def test_menu_under_the_ep_root_for_its_role(self):
        menu = self.env.ref("ep_charging.charging_menu")
        self.assertEqual(menu.parent_id, self.env.ref("ep_device_bridge.ep_menu_root"))
        self.assertEqual(menu.groups_id, self.env.ref("ep_parking.group_operator"))
