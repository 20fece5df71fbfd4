from odoo import api, models


class ReportEinvoice(models.AbstractModel):
    """Values of the e-invoice report: the invoices, and the number the platform gives while it renders."""

    _name = "report.ep_einvoice.report_einvoice"
    _description = "E-Invoice Report"

    @api.model
    def get_report_values(self, docids, data=None):
        return {"doc_ids": docids, "doc_model": "ep.einvoice.invoice",
                "docs": self.env["ep.einvoice.invoice"].browse(docids), "number": (data or {}).get("number")}
