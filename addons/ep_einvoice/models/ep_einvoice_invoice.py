import base64
import logging
from datetime import timedelta
from decimal import Decimal

from odoo import _, api, fields, models
from odoo.addons.ep_parking.models.ep_parking_tariff import monetary_to_decimal, to_lot_time
from odoo.exceptions import AccessError, UserError

from ..lib import amounts
from ..lib.request import RequestError, check_request
from .ep_einvoice_provider import EinvoiceProviderError

_logger = logging.getLogger(__name__)

INVOICE_TYPES = [("02", "General (普票)"), ("01", "Special (专票)")]
STATES = [("to_send", "Not Sent"), ("sent", "Sent"), ("issued", "Issued"), ("failed", "Failed"),
          ("cancelled", "Cancelled")]
BUYER_FIELDS = ("personal", "name", "tax_number", "address", "phone", "bank", "bank_account", "email")


class EpEinvoiceInvoice(models.Model):
    """A fully digital invoice (全电发票) of paid orders (seed 000 §2.3.9 5-7, 开票记录).

    Made from paid orders of one lot and one buyer, it is sent to the tax-invoice platform
    (``ep.einvoice.provider``) under a request serial: not sent → sent → issued | failed. A failed
    invoice is sent again under the same serial, so the platform issues it once. Once issued it
    carries the platform's number, PDF and XML, a posted customer invoice (``account.invoice``)
    settled by the orders' receipts, and an email to the buyer. A red-letter invoice (红字发票)
    cancels an issued one: the orders may then be invoiced again (or stay refunded).
    """

    _name = "ep.einvoice.invoice"
    _description = "E-Invoice"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/", index=True)
    kind = fields.Selection([("blue", "Blue"), ("red", "Red-letter")], required=True, default="blue", readonly=True)
    state = fields.Selection(STATES, required=True, default="to_send", readonly=True, copy=False, index=True,
                             track_visibility="onchange")
    serial = fields.Char(string="Request Serial", required=True, readonly=True, copy=False)
    invoice_type = fields.Selection(INVOICE_TYPES, string="Type", required=True, default="02", readonly=True)
    origin = fields.Selection([("staff", "Staff"), ("owner", "Owner (self-invoicing)")], required=True,
                              default="staff", readonly=True)
    lot_id = fields.Many2one("ep.parking.lot", required=True, readonly=True, index=True, ondelete="restrict")
    region_id = fields.Many2one(related="lot_id.region_id", store=True, readonly=True)
    company_id = fields.Many2one(related="lot_id.company_id", store=True, readonly=True)
    currency_id = fields.Many2one(related="lot_id.currency_id", readonly=True)
    taxpayer_id = fields.Many2one("ep.einvoice.taxpayer", string="Seller", required=True, readonly=True,
                                  ondelete="restrict", index=True)
    order_ids = fields.Many2many("ep.parking.order", "ep_einvoice_invoice_order_rel", "invoice_id", "order_id",
                                 string="Orders", readonly=True)
    line_ids = fields.One2many("ep.einvoice.invoice.line", "invoice_id", readonly=True)
    amount_untaxed = fields.Monetary(string="Amount (excl. tax)", readonly=True)
    amount_tax = fields.Monetary(string="Tax", readonly=True)
    amount_total = fields.Monetary(string="Total (incl. tax)", readonly=True)
    buyer_personal = fields.Boolean(string="Personal Buyer", readonly=True)
    buyer_name = fields.Char(string="Buyer (Title)", required=True, readonly=True)
    buyer_tax_number = fields.Char(readonly=True)
    buyer_address = fields.Char(readonly=True)
    buyer_phone = fields.Char(readonly=True)
    buyer_bank = fields.Char(readonly=True)
    buyer_bank_account = fields.Char(readonly=True)
    buyer_email = fields.Char(readonly=True)
    partner_id = fields.Many2one("res.partner", string="Buyer", readonly=True, index=True, ondelete="restrict")
    requested_by_id = fields.Many2one("res.partner", readonly=True, index=True,
                                      help="The owner who asked for the invoice on the portal.")
    number = fields.Char(string="Invoice No.", readonly=True, copy=False, index=True)
    issued_at = fields.Datetime(readonly=True, copy=False, index=True)
    attempts = fields.Integer(readonly=True, copy=False)
    error = fields.Text(string="Last Error", readonly=True, copy=False)
    pdf_id = fields.Many2one("ir.attachment", string="PDF", readonly=True, copy=False)
    xml_id = fields.Many2one("ir.attachment", string="XML", readonly=True, copy=False)
    account_invoice_id = fields.Many2one("account.invoice", string="Customer Invoice", readonly=True, copy=False)
    settlement_move_id = fields.Many2one("account.move", string="Settlement Entry", readonly=True, copy=False)
    original_id = fields.Many2one("ep.einvoice.invoice", string="Cancels", readonly=True, index=True,
                                  help="The blue invoice this red-letter invoice cancels.")
    red_id = fields.Many2one("ep.einvoice.invoice", string="Red-letter Invoice", readonly=True, copy=False)

    _sql_constraints = [("serial_uniq", "unique(serial)", "These orders already have this invoice request.")]

    # ------------------------------------------------------------ create from orders
    @api.model
    def _create_from_orders(self, orders, buyer, invoice_type=None, origin="staff", requested_by=None):
        """Blue invoices of the paid ``orders`` for ``buyer`` (dict of BUYER_FIELDS), one per lot,
        sent to the platform. Everything is checked before anything is written."""
        if not orders:
            raise UserError(_("Select the paid orders to invoice."))
        orders._check_invoiceable()
        partners = orders.mapped("partner_id")
        if len(partners) > 1:
            raise UserError(_("One invoice is for one buyer: these orders were paid by %s.")
                            % ", ".join(partners.mapped("name")))
        vals_list = []
        for lot in orders.mapped("lot_id"):
            lot_orders = orders.filtered(lambda order, lot=lot: order.lot_id == lot)
            vals = self._prepare_invoice_vals(lot_orders, buyer, invoice_type, origin, requested_by)
            self._check_request_vals(vals)
            vals_list.append(vals)
        invoices = self.browse()
        for vals in vals_list:
            invoices |= self.create(vals)
        invoices._send()
        return invoices

    @api.model
    def _prepare_invoice_vals(self, orders, buyer, invoice_type, origin, requested_by):
        lot = orders.mapped("lot_id")
        lot.ensure_one()
        rule = lot._get_einvoice_rule()
        invoice_type = invoice_type or rule.invoice_type
        if invoice_type == "01" and rule.invoice_type != "01":
            raise UserError(_("The lot %s issues general invoices only.") % lot.name)
        if buyer.get("personal"):
            invoice_type = "02"
        fee_items, items = {}, []
        for order in orders:
            for fee_item, amount in order._get_invoice_items():
                key = (fee_item.name, fee_item.category_id.merged_code, fee_item._get_rate())
                fee_items[key] = fee_item
                items.append({"name": key[0], "category": key[1], "rate": key[2], "amount": amount})
        lines = amounts.invoice_lines(items)
        total = amounts.totals(lines)
        seller = rule.taxpayer_id
        generation = self.search_count([("order_ids", "in", orders.ids), ("kind", "=", "blue")])
        vals = {
            "kind": "blue", "invoice_type": invoice_type, "origin": origin, "lot_id": lot.id,
            "taxpayer_id": seller.id, "order_ids": [(6, 0, orders.ids)],
            "serial": amounts.invoice_serial(seller.tax_number, orders.mapped("name"), generation=generation),
            "line_ids": [(0, 0, self._prepare_line_vals(fee_items[(line.name, line.category, line.rate)], line))
                         for line in lines],
            "amount_untaxed": float(total.net), "amount_tax": float(total.tax), "amount_total": float(total.gross),
            "requested_by_id": requested_by.id if requested_by else False,
        }
        vals.update(self._prepare_buyer_vals(buyer, orders.mapped("partner_id")))
        return vals

    @api.model
    def _prepare_line_vals(self, fee_item, line):
        return {"fee_item_id": fee_item.id, "name": line.name, "category_code": line.category,
                "rate": float(line.rate), "amount": float(line.gross), "amount_untaxed": float(line.net),
                "amount_tax": float(line.tax)}

    @api.model
    def _prepare_buyer_vals(self, buyer, payer):
        vals = {"buyer_%s" % key: buyer.get(key) or False for key in BUYER_FIELDS}
        vals["buyer_personal"] = bool(buyer.get("personal"))
        for key in ("name", "tax_number", "email"):
            if vals["buyer_%s" % key]:
                vals["buyer_%s" % key] = vals["buyer_%s" % key].strip()
        if vals["buyer_tax_number"]:
            vals["buyer_tax_number"] = vals["buyer_tax_number"].replace(" ", "").upper()
        vals["partner_id"] = self._get_buyer_partner(vals, payer).id
        return vals

    @api.model
    def _get_buyer_partner(self, vals, payer):
        """The buyer's contact: the company with this tax number, the payer for a person, or a new contact."""
        # sudo: the buyer is a customer of the accounting; owners and lot staff do not manage contacts
        Partner = self.env["res.partner"].sudo()
        if vals["buyer_tax_number"]:
            partner = Partner.search([("vat", "=", vals["buyer_tax_number"]), ("is_company", "=", True)], limit=1)
        else:
            partner = payer if payer and payer.name == vals["buyer_name"] else Partner.search(
                [("name", "=", vals["buyer_name"]), ("email", "=", vals["buyer_email"] or False),
                 ("vat", "=", False)], limit=1)
        return partner.sudo() or Partner.create({
            "name": vals["buyer_name"], "vat": vals["buyer_tax_number"], "email": vals["buyer_email"],
            "is_company": not vals["buyer_personal"], "customer": True,
            "street": vals["buyer_address"], "phone": vals["buyer_phone"]})

    @api.model
    def _check_request_vals(self, vals):
        """What the platform will check, checked first (clear messages, nothing written)."""
        try:
            check_request(self._build_request(vals, self.env["ep.einvoice.taxpayer"].browse(vals["taxpayer_id"]),
                                              [line[2] for line in vals["line_ids"]]))
        except RequestError as exc:
            raise UserError(self._request_error_message(exc)) from exc

    @api.model
    def _request_error_message(self, exc):
        field = exc.field.split(".")[-1] if exc.field.startswith("buyer.") else exc.field
        messages = {
            "name": _("Enter the buyer's title (the company's or the person's name)."),
            "tax_number": _("Enter the buyer's valid tax number; a person has none."),
            "email": _("Enter a valid email address."),
            "type": _("A special invoice is issued to a company only."),
        }
        if exc.field.startswith("buyer.") and field in ("address", "phone", "bank", "bank_account"):
            return _("A special invoice needs the buyer's address, phone, bank and account.")
        if exc.field.startswith("seller."):
            return _("The taxpayer lacks its name or a valid tax number: check the invoicing settings.")
        return messages.get(field) or _("The invoice cannot be issued: %s") % exc

    @api.model
    def _build_request(self, vals, seller, lines):
        """The platform request (see lib.request) of invoice values ``vals`` and line values ``lines``."""
        money = monetary_to_decimal
        totals = {"gross": sum((money(line["amount"]) for line in lines), Decimal("0.00")),
                  "net": sum((money(line["amount_untaxed"]) for line in lines), Decimal("0.00")),
                  "tax": sum((money(line["amount_tax"]) for line in lines), Decimal("0.00"))}
        return {
            "serial": vals["serial"], "type": vals["invoice_type"], "red": vals["kind"] == "red",
            "original": vals.get("original_number") or "",
            "seller": {"name": seller.name, "tax_number": seller.tax_number, "address": seller.address,
                       "phone": seller.phone, "bank": seller.bank, "bank_account": seller.bank_account},
            "buyer": {key: vals.get("buyer_%s" % key) for key in BUYER_FIELDS},
            "lines": [{"name": line["name"], "category": line["category_code"], "rate": "%g" % line["rate"],
                       "gross": money(line["amount"]), "net": money(line["amount_untaxed"]),
                       "tax": money(line["amount_tax"])} for line in lines],
            "totals": totals,
        }

    def _get_request(self):
        self.ensure_one()
        vals = self.read(["serial", "invoice_type", "kind"] + ["buyer_%s" % key for key in BUYER_FIELDS])[0]
        vals["original_number"] = self.original_id.number
        lines = self.line_ids.read(["name", "category_code", "rate", "amount", "amount_untaxed", "amount_tax"])
        return self._build_request(vals, self.taxpayer_id, lines)

    @api.model
    def create(self, vals):
        if vals.get("name", "/") == "/":
            # sudo: the numbering is the system's; owners asking for an invoice do not read sequences
            vals = dict(vals, name=self.env["ir.sequence"].sudo().next_by_code("ep.einvoice.invoice") or "/")
        invoice = super().create(vals)
        if invoice.kind == "blue":
            # sudo: the orders are the payment system's records; the invoice marks them invoiced
            invoice.order_ids.sudo().write({"einvoice_id": invoice.id})
        return invoice

    # ------------------------------------------------------------ platform
    @api.multi
    def action_send(self):
        """Send (again) invoices not issued yet: the same serial, so the platform issues each once."""
        if self.filtered(lambda invoice: invoice.state not in ("to_send", "failed", "sent")):
            raise UserError(_("Only invoices not issued yet can be sent."))
        self._send()
        return True

    def _send(self):
        Provider = self.env["ep.einvoice.provider"]
        for invoice in self.filtered(lambda inv: inv.state in ("to_send", "failed", "sent")):
            request = invoice._get_request()
            invoice.write({"state": "sent", "attempts": invoice.attempts + 1})
            try:
                result = Provider._issue(invoice, request)
            except EinvoiceProviderError as exc:
                # what the platform did is the platform's: the failure is kept, the next try sends the same serial
                _logger.info("e-invoice %s failed: %s", invoice.name, exc)
                invoice.write({"state": "failed", "error": str(exc)})
                invoice.message_post(body=_("The platform did not issue the invoice: %s") % exc)
                continue
            invoice._on_issued(result)

    def _on_issued(self, result):
        self.ensure_one()
        Attachment = self.env["ir.attachment"].sudo()  # sudo: the issued files belong to the record, not the user
        base = "%s-%s" % ("red" if self.kind == "red" else "invoice", result["number"])
        files = {}
        for key, ext, mime in (("pdf", "pdf", "application/pdf"), ("xml", "xml", "application/xml")):
            files[key] = Attachment.create({
                "name": "%s.%s" % (base, ext), "datas_fname": "%s.%s" % (base, ext), "mimetype": mime,
                "datas": base64.b64encode(result[key]), "res_model": self._name, "res_id": self.id})
        self.write({"state": "issued", "number": result["number"], "issued_at": result["issued_at"],
                    "error": False, "pdf_id": files["pdf"].id, "xml_id": files["xml"].id})
        self._post_accounting()
        if self.kind == "red":
            # the cancelled invoice frees its orders: still paid ones may be invoiced again
            # sudo: see create
            self.original_id.order_ids.sudo().filtered(lambda o: o.einvoice_id == self.original_id).write(
                {"einvoice_id": False})
        self._send_email()

    def _send_email(self):
        self.ensure_one()
        if self.buyer_email:
            template = self.env.ref("ep_einvoice.mail_template_einvoice_issued")
            # sudo: the mail goes to the buyer whoever made the invoice; the PDF is attached as issued
            template.sudo().send_mail(self.id, email_values={"attachment_ids": [self.pdf_id.id]})

    # ------------------------------------------------------------ accounting
    def _post_accounting(self):
        """A posted customer invoice (refund for a red letter) with the category taxes, settled by
        moving the orders' receipts (posted as revenue when paid) onto its receivable."""
        self.ensure_one()
        # sudo: accounting is the system's; staff and owners issue invoices without being accountants
        invoice = self.env["account.invoice"].sudo().create(self._prepare_account_invoice_vals())
        invoice.action_invoice_open()
        stated = (monetary_to_decimal(invoice.amount_total), monetary_to_decimal(invoice.amount_tax))
        if stated != (abs(monetary_to_decimal(self.amount_total)), abs(monetary_to_decimal(self.amount_tax))):
            raise UserError(_("The customer invoice %(invoice)s does not match the e-invoice's amounts.")
                            % {"invoice": invoice.number})
        move = self.env["account.move"].sudo().create(self._prepare_settlement_vals(invoice))
        move.post()
        receivable = move.line_ids.filtered(lambda line: line.account_id == invoice.account_id)
        invoice.register_payment(receivable)
        self.write({"account_invoice_id": invoice.id, "settlement_move_id": move.id})

    def _get_journal(self, kind):
        """The sale journal of e-invoices (``sale``) or of their settlements (``general``), made on first use."""
        company = self.company_id or self.env.user.company_id
        code, name = {"sale": ("EPEI", _("E-Invoices")), "general": ("EPES", _("E-Invoice Settlements"))}[kind]
        Journal = self.env["account.journal"].sudo()
        journal = Journal.search([("code", "=", code), ("company_id", "=", company.id)], limit=1)
        return journal or Journal.create({"name": name, "code": code, "type": kind, "company_id": company.id,
                                          "update_posted": True})

    def _prepare_account_invoice_vals(self):
        company = self.company_id or self.env.user.company_id
        revenue = self.env["ep.parking.payment.method"]._get_revenue_account(company)
        analytic = self.lot_id._get_analytic_account()
        local_day = to_lot_time(self.issued_at).strftime("%Y-%m-%d")
        return {
            "type": "out_refund" if self.kind == "red" else "out_invoice", "partner_id": self.partner_id.id,
            "journal_id": self._get_journal("sale").id, "company_id": company.id, "date_invoice": local_day,
            "currency_id": self.currency_id.id or company.currency_id.id, "name": self.number,
            "reference": self.number, "origin": ", ".join((self.original_id or self).order_ids.mapped("name")),
            "invoice_line_ids": [(0, 0, {
                "name": line.name, "account_id": revenue.id, "quantity": 1.0, "price_unit": abs(line.amount),
                "invoice_line_tax_ids": [(6, 0, line.fee_item_id.category_id._get_sale_tax().ids)],
                "account_analytic_id": analytic.id}) for line in self.line_ids],
        }

    def _prepare_settlement_vals(self, invoice):
        """Blue: debit the receipts' revenue of each order, credit the receivable; red: the reverse."""
        company = self.company_id or self.env.user.company_id
        revenue = self.env["ep.parking.payment.method"]._get_revenue_account(company)
        analytic = self.lot_id._get_analytic_account()
        red = self.kind == "red"
        orders = (self.original_id or self).order_ids
        total = abs(invoice.amount_total)
        lines = [(0, 0, {"name": order.name, "account_id": revenue.id, "partner_id": self.partner_id.id,
                         "analytic_account_id": analytic.id,
                         "debit": 0.0 if red else order.amount, "credit": order.amount if red else 0.0})
                 for order in orders]
        lines.append((0, 0, {"name": self.number, "account_id": invoice.account_id.id,
                             "partner_id": invoice.partner_id.commercial_partner_id.id,
                             "debit": total if red else 0.0, "credit": 0.0 if red else total}))
        return {"journal_id": self._get_journal("general").id, "date": invoice.date_invoice, "ref": self.number,
                "company_id": company.id, "line_ids": lines}

    # ------------------------------------------------------------ red letter
    @api.multi
    def action_red_letter(self):
        """Cancel issued blue invoices with red-letter ones (finance, managers)."""
        self._check_red_letter_rights()
        for invoice in self:
            if invoice.kind != "blue" or invoice.state != "issued" or invoice.red_id:
                raise UserError(_("Only an issued blue invoice not cancelled yet gets a red-letter invoice."))
        reds = self.browse()
        for invoice in self:
            reds |= invoice._create_red_letter()
        reds._send()
        return reds

    def _check_red_letter_rights(self):
        user = self.env.user
        if not (user.has_group("ep_parking.group_finance") or user.has_group("ep_parking.group_manager")):
            raise AccessError(_("Only finance and managers may cancel invoices."))

    def _create_red_letter(self):
        self.ensure_one()
        seller = self.taxpayer_id
        # sudo: see create
        red = self.sudo().create({
            "kind": "red", "invoice_type": self.invoice_type, "origin": self.origin, "lot_id": self.lot_id.id,
            "taxpayer_id": seller.id, "original_id": self.id, "order_ids": [(6, 0, self.order_ids.ids)],
            "serial": amounts.invoice_serial(seller.tax_number, [self.number], red=True),
            "line_ids": [(0, 0, {"fee_item_id": line.fee_item_id.id, "name": line.name,
                                 "category_code": line.category_code, "rate": line.rate, "amount": -line.amount,
                                 "amount_untaxed": -line.amount_untaxed, "amount_tax": -line.amount_tax})
                         for line in self.line_ids],
            "amount_untaxed": -self.amount_untaxed, "amount_tax": -self.amount_tax,
            "amount_total": -self.amount_total, "partner_id": self.partner_id.id,
            "requested_by_id": self.requested_by_id.id,
            **{"buyer_%s" % key: self["buyer_%s" % key] for key in BUYER_FIELDS}})
        self.sudo().red_id = red
        return red.with_env(self.env)

    def _cancel_for_refund(self):
        """An order of these invoices was refunded: red-letter the issued ones, drop the unissued."""
        for invoice in self:
            if invoice.state == "issued" and not invoice.red_id:
                invoice._create_red_letter()._send()
            elif invoice.state in ("to_send", "failed"):
                invoice.write({"state": "cancelled"})
                # sudo: see create
                invoice.order_ids.sudo().filtered(lambda o, inv=invoice: o.einvoice_id == inv).write(
                    {"einvoice_id": False})

    # ------------------------------------------------------------ owners
    @api.model
    def _request_by_owner(self, order_ids, buyer):
        """Self-invoicing (§2.3.9 7): the portal user invoices their own paid orders ``order_ids``."""
        partner = self.env.user.partner_id
        orders = self.env["ep.parking.order"].search([("id", "in", list(order_ids)), ("partner_id", "=", partner.id)])
        if not order_ids or len(orders) != len(set(order_ids)):
            raise AccessError(_("You can only invoice your own orders."))
        orders = orders.sudo()  # sudo: ownership checked above; owners do not read lots and rules themselves
        for rule in orders.mapped("lot_id")._get_einvoice_rule():
            if not rule.self_invoicing:
                raise UserError(_("The lot %s does not let owners invoice themselves: ask its staff.")
                                % rule.lot_id.name)
        # sudo: creating the invoice is the system's once the owner's orders are checked
        invoices = self.sudo()._create_from_orders(orders, buyer, origin="owner", requested_by=partner)
        return invoices.sudo(self.env.user)

    @api.model
    def _cron_send_again(self, days=7, max_attempts=20):
        """Send again the invoices of the last ``days`` days the platform has not issued."""
        since = fields.Datetime.to_string(fields.Datetime.from_string(fields.Datetime.now()) - timedelta(days=days))
        invoices = self.search([("state", "in", ("to_send", "sent", "failed")), ("create_date", ">=", since),
                                ("attempts", "<", max_attempts)])
        invoices._send()
        return len(invoices)

    @api.model
    def _demo_issue(self):
        """Demo: invoice a paid parking order for a person and a paid month card for a company."""
        Order = self.env["ep.parking.order"]
        done = self.browse()
        for kind, buyer in (("temporary", {"personal": True, "name": "张伟", "email": "zhang.wei@example.com"}),
                            ("month_card", {"name": "深圳市前海数码科技有限公司", "tax_number": "91440300MA5DDD123M",
                                            "email": "finance@qianhai-digital.example.com"})):
            orders = Order.search([("state", "=", "paid"), ("kind", "=", kind), ("einvoice_id", "=", False)],
                                  order="paid_at desc").filtered(lambda order: order._is_invoiceable())
            if orders:
                done |= self._create_from_orders(orders[0], buyer)
        return done


class EpEinvoiceInvoiceLine(models.Model):
    _name = "ep.einvoice.invoice.line"
    _description = "E-Invoice Line"
    _order = "invoice_id, id"

    invoice_id = fields.Many2one("ep.einvoice.invoice", required=True, ondelete="cascade", index=True)
    fee_item_id = fields.Many2one("ep.einvoice.fee.item", required=True, ondelete="restrict")
    name = fields.Char(required=True)
    category_code = fields.Char(string="Tax Category Code", required=True)
    rate = fields.Float(string="Rate (%)", digits=(5, 2))
    currency_id = fields.Many2one(related="invoice_id.currency_id", readonly=True)
    amount = fields.Monetary(string="Amount (incl. tax)")
    amount_untaxed = fields.Monetary(string="Amount (excl. tax)")
    amount_tax = fields.Monetary(string="Tax")

