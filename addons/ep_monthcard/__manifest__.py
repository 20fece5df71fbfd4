{
    "name": "EP Month Cards",
    "summary": "Month-card rules, cards, applications, renewals and billing",
    "version": "11.0.1.0.0",
    "category": "EP Parking",
    "author": "EP Suite",
    "license": "LGPL-3",
    "depends": ["ep_parking"],
    "data": [
        "views/ep_monthcard_menus.xml",
    ],
}
