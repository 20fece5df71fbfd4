{
    "name": "EP Device Bridge",
    "summary": "MQTT transport for gates, cameras, space locks and chargers",
    "version": "11.0.1.0.0",
    "category": "EP Parking",
    "author": "EP Suite",
    "license": "LGPL-3",
    "depends": ["base", "mail"],
    "external_dependencies": {"python": ["paho"]},
    "data": [
        "security/ep_device_bridge_groups.xml",
        "security/ir.model.access.csv",
        "wizard/ep_device_password_views.xml",
        "views/ep_device_views.xml",
        "views/ep_device_command_views.xml",
        "views/ep_device_event_views.xml",
        "views/ep_device_bridge_menus.xml",
    ],
    "demo": [
        "demo/ep_device_demo.xml",
    ],
    "application": True,
}
