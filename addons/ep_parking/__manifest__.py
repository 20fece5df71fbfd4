{
    "name": "EP Parking",
    "summary": "Parking lots, regions, passages, lists, reservations, tariffs and payments",
    "version": "11.0.1.0.0",
    "category": "EP Parking",
    "author": "EP Suite",
    "license": "LGPL-3",
    "depends": ["ep_device_bridge", "account", "portal", "website", "base_tier_validation"],
    "data": [
        "security/ep_parking_groups.xml",
        "security/ir.model.access.csv",
        "views/ep_parking_region_views.xml",
        "views/res_users_views.xml",
        "views/ep_parking_menus.xml",
    ],
    "demo": [
        "demo/ep_parking_region_demo.xml",
        "demo/res_users_demo.xml",
    ],
    "application": True,
}
