{
    "name": "EP E-Invoices",
    "summary": "Taxpayers, invoicing rules and fully digital invoices from orders",
    "version": "11.0.1.0.0",
    "category": "EP Parking",
    "author": "EP Suite",
    "license": "LGPL-3",
    "depends": ["ep_parking"],
    "data": [
        "views/ep_einvoice_menus.xml",
    ],
}
