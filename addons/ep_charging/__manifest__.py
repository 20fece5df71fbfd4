{
    "name": "EP Charging",
    "summary": "Charging stations, chargers, TOU tariffs, reservation and occupancy fees",
    "version": "11.0.1.0.0",
    "category": "EP Parking",
    "author": "EP Suite",
    "license": "LGPL-3",
    "depends": ["ep_parking"],
    "data": [
        "views/ep_charging_menus.xml",
    ],
}
