{
    "name": "EP Merchant Coupons",
    "summary": "Merchants, parking coupons, limits, pre-exit and the merchant portal",
    "version": "11.0.1.0.0",
    "category": "EP Parking",
    "author": "EP Suite",
    "license": "LGPL-3",
    "depends": ["ep_parking"],
    "data": [
        "views/ep_coupon_menus.xml",
    ],
}
