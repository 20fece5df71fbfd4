{
    "name": "EP Month Cards",
    "summary": "Month-card rules, cards, applications, renewals and billing",
    "version": "11.0.1.0.0",
    "category": "EP Parking",
    "author": "EP Suite",
    "license": "LGPL-3",
    "depends": ["ep_parking"],
    "data": [
        "security/ir.model.access.csv",
        "security/ep_monthcard_security.xml",
        "views/ep_monthcard_menus.xml",
        "views/ep_monthcard_views.xml",
    ],
    "demo": [
        "demo/ep_monthcard_demo.xml",
    ],
}
