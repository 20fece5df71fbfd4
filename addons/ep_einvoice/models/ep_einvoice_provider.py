import base64
import logging

import lxml.html
from lxml import etree

from odoo import _, api, fields, models

from ..lib.request import RequestError, check_request, invoice_number

_logger = logging.getLogger(__name__)

PROVIDER_PARAM = "ep_einvoice.provider"
FAULT_PARAM = "ep_einvoice.test_provider_fault"


class EinvoiceProviderError(Exception):
    """The platform refused the request or could not be reached: the e-invoice fails, and can be sent again."""


class EpEinvoiceProvider(models.AbstractModel):
    """The tax-invoice platform interface (全电发票平台; the real platforms are unreachable here):
    one method, ``_issue_invoice(einvoice, request)``.

    ``request`` is the dict ``lib.request.check_request`` checks. The platform answers a dict
    ``number``, ``issued_at`` (UTC string), ``pdf`` (bytes) and ``xml`` (bytes), or raises
    ``EinvoiceProviderError``. A platform issues one invoice per request serial: sending the same
    serial again returns the invoice already issued.
    """

    _name = "ep.einvoice.provider"
    _inherit = "ep.parking.provider.mixin"
    _description = "Tax-invoice Platform"
    _provider_param = PROVIDER_PARAM

    @api.model
    def _issue(self, einvoice, request):
        return self._get_provider()._issue_invoice(einvoice, request)

    @api.model
    def _issue_invoice(self, einvoice, request):
        raise NotImplementedError


class EpEinvoiceProviderTest(models.AbstractModel):
    """The local platform: checks the request as a platform does, numbers the invoice, renders its
    PDF (the QWeb report ``ep_einvoice.report_einvoice``) and XML, and remembers each serial in
    ``ep.einvoice.test.issue``.

    The system parameter ``ep_einvoice.test_provider_fault`` makes it fail like a remote platform:
    ``down`` refuses before issuing, ``timeout`` issues and then loses the answer.
    """

    _name = "ep.einvoice.provider.test"
    _inherit = "ep.einvoice.provider"
    _description = "Tax-invoice Platform: Local"

    @api.model
    def _issue_invoice(self, einvoice, request):
        # sudo: the local platform's own books, and its fault switch, are not the caller's business
        Issue = self.env["ep.einvoice.test.issue"].sudo()
        fault = (self.env["ir.config_parameter"].sudo().get_param(FAULT_PARAM) or "").strip()
        if fault == "down":
            raise EinvoiceProviderError(_("The tax-invoice platform is not reachable."))
        issue = Issue.search([("serial", "=", request["serial"])], limit=1)
        if not issue:
            try:
                check_request(request)
            except RequestError as exc:
                raise EinvoiceProviderError(_("The platform refused the request: %s") % exc) from exc
            issue = Issue.create(self._prepare_issue_vals(einvoice, request))
        if fault == "timeout":
            raise EinvoiceProviderError(_("The tax-invoice platform did not answer in time."))
        return {"number": issue.number, "issued_at": issue.create_date, "pdf": base64.b64decode(issue.pdf),
                "xml": base64.b64decode(issue.xml)}

    @api.model
    def _prepare_issue_vals(self, einvoice, request):
        now = fields.Datetime.from_string(fields.Datetime.now())
        sequence = self.env["ir.sequence"].sudo().next_by_code("ep.einvoice.test.issue")
        number = invoice_number(now, "44", int(sequence))
        return {"serial": request["serial"], "number": number, "red": bool(request.get("red")),
                "pdf": base64.b64encode(self._render_pdf(einvoice, number)),
                "xml": base64.b64encode(self._render_xml(request, number))}

    @api.model
    def _render_pdf(self, einvoice, number):
        """The invoice as the platform prints it: the report's page, with its own styles, through
        wkhtmltopdf (Odoo's report engine answers HTML in test mode; a platform never does)."""
        report = self.env.ref("ep_einvoice.action_report_einvoice")
        html = report.render_qweb_html(einvoice.ids, data={"number": number})[0]
        root = lxml.html.fromstring(html)
        article = root.xpath("//div[contains(concat(' ', normalize-space(@class), ' '), ' article ')]")
        body = lxml.html.tostring(article[0] if article else root, encoding="unicode")
        page = self.env["ir.qweb"].render("ep_einvoice.einvoice_pdf_page", {"body": body})
        try:
            return report._run_wkhtmltopdf([page])
        except Exception as exc:  # a missing wkhtmltopdf is a platform failure: the invoice can be sent again
            _logger.warning("local tax-invoice platform: no PDF: %s", exc)
            raise EinvoiceProviderError(_("The platform could not render the invoice: %s") % exc) from exc

    @api.model
    def _render_xml(self, request, number):
        root = etree.Element("Invoice", number=number, serial=request["serial"], type=request["type"],
                             red="1" if request.get("red") else "0")
        for role in ("seller", "buyer"):
            party = request[role]
            etree.SubElement(root, role.capitalize(), name=party.get("name") or "",
                             taxNumber=party.get("tax_number") or "")
        lines = etree.SubElement(root, "Lines")
        for line in request["lines"]:
            etree.SubElement(lines, "Line", name=line["name"], category=line["category"], rate=str(line["rate"]),
                             gross=str(line["gross"]), net=str(line["net"]), tax=str(line["tax"]))
        totals = request["totals"]
        etree.SubElement(root, "Totals", gross=str(totals["gross"]), net=str(totals["net"]), tax=str(totals["tax"]))
        if request.get("original"):
            etree.SubElement(root, "Original", number=request["original"])
        return etree.tostring(root, xml_declaration=True, encoding="utf-8")


class EpEinvoiceTestIssue(models.Model):
    """An invoice the local platform issued (its books, one per request serial)."""

    _name = "ep.einvoice.test.issue"
    _description = "Local Platform Invoice"
    _order = "id desc"
    _rec_name = "number"

    serial = fields.Char(required=True, readonly=True, index=True)
    number = fields.Char(required=True, readonly=True)
    red = fields.Boolean(readonly=True)
    pdf = fields.Binary(attachment=True, readonly=True)
    xml = fields.Binary(attachment=True, readonly=True)

    _sql_constraints = [("serial_uniq", "unique(serial)", "The platform issues one invoice per serial.")]
