{
    "name": "EP Month Cards",
    "summary": "Month-card rules, cards, applications, renewals and billing",
    "version": "11.0.1.0.0",
    "category": "EP Parking",
    "author": "EP Suite",
    "website": "http://127.0.0.1:8069",
    "license": "LGPL-3",
    "depends": ["ep_parking"],
    "data": [
        "views/ep_monthcard_menus.xml",
    ],
    "installable": True,
}
