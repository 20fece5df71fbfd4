{
    "name": "EP Charging",
    "summary": "Charging stations, chargers, TOU tariffs, reservation and occupancy fees",
    "version": "11.0.1.0.0",
    "category": "EP Parking",
    "author": "EP Suite",
    "license": "LGPL-3",
    "depends": ["ep_parking"],
    "data": [
        "security/ir.model.access.csv",
        "security/ep_charging_security.xml",
        "data/ep_charging_data.xml",
        "views/ep_charging_tariff_views.xml",
        "views/ep_charging_station_views.xml",
        "views/ep_charging_charger_views.xml",
        "views/ep_charging_campaign_views.xml",
        "views/ep_charging_order_views.xml",
        "views/ep_charging_export_actions.xml",
        "views/ep_charging_menus.xml",
    ],
    "demo": [
        "demo/ep_charging_demo.xml",
    ],
}
