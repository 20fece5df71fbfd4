{
    "name": "EP E-Invoices",
    "summary": "Taxpayers, invoicing rules and fully digital invoices from orders",
    "version": "11.0.1.0.0",
    "category": "EP Parking",
    "author": "EP Suite",
    "license": "LGPL-3",
    "depends": ["ep_parking", "account", "portal", "mail"],
    "data": [
        "security/ir.model.access.csv",
        "security/ep_einvoice_security.xml",
        "data/ep_einvoice_data.xml",
        "data/ep_einvoice_mail_template.xml",
        "report/ep_einvoice_report.xml",
        "views/ep_einvoice_views.xml",
        "views/ep_einvoice_invoice_views.xml",
        "views/ep_einvoice_issue_wizard_views.xml",
        "views/ep_einvoice_portal_templates.xml",
        "views/ep_einvoice_menus.xml",
    ],
    "demo": [
        "demo/ep_einvoice_demo.xml",
    ],
}
