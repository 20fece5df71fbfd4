from odoo import _, api, fields, models
from odoo.exceptions import UserError

ORDER_KINDS = [
    ("temporary", "Temporary Parking"),
    ("month_card", "Month Card"),
    ("coupon", "Coupon Purchase"),
    ("charging", "Charging"),
    ("deposit", "Deposit"),
    ("reservation", "Reservation"),
    ("other", "Other"),
]


class EpParkingPaymentMethod(models.Model):
    """A payment channel (seed 000 §2.1.3 支付方式, §2.3.8 A 缴费来源): how an order is paid.

    Each channel names the provider that takes the money (gateways sit behind
    ``ep.parking.payment.provider``), the order kinds it may pay (§2.3.8 A 费用类型) and the
    journal its receipts are posted to. Lots choose their channels (§2.3.8 B a).
    """

    _name = "ep.parking.payment.method"
    _description = "Payment Channel"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    online = fields.Boolean(help="Paid through an online provider rather than at the lot.")
    active = fields.Boolean(default=True)
    provider = fields.Selection(
        [("test", "Local Test Provider"), ("offline", "Paid at the Lot"), ("deduction", "Full Deduction Balance")],
        required=True, default="offline",
        help="Who takes the money. No real gateway is reachable from this installation: online channels "
             "use the local test provider until a gateway module is installed.")
    settle_after_exit = fields.Boolean(
        string="Settles After Exit",
        help="No-sense payment (§2.3.7 D): the gate opens and the bank account is debited after the exit.")
    for_temporary = fields.Boolean(string="Temporary Parking", default=True)
    for_month_card = fields.Boolean(string="Month Cards", default=True)
    for_coupon = fields.Boolean(string="Coupons", default=True)
    for_charging = fields.Boolean(string="Charging", default=True)
    source_label = fields.Char(string="Order Source", translate=True,
                               help="How the channel appears in transaction orders (§2.3.8 A 来源).")
    reconcile_with = fields.Char(string="Reconciled With", help="Where finance checks the orders of this channel.")
    journal_id = fields.Many2one(
        "account.journal", company_dependent=True, domain=[("type", "in", ("bank", "cash"))],
        help="Receipts of this channel are posted here; created on the first paid order when empty.")

    _sql_constraints = [("code_uniq", "unique(code)", "A payment method code must be unique.")]

    def _accepts_kind(self, kind):
        """Whether this channel may pay an order of ``kind`` (kinds without a flag are accepted)."""
        self.ensure_one()
        return bool(getattr(self, "for_%s" % kind, True))

    @api.model
    def _find_by_code(self, code):
        return self.search([("code", "=", code)], limit=1)

    # ------------------------------------------------------------ accounting
    def _get_journal(self, company):
        """The channel's journal in ``company``, created (bank, or cash for offline) on first use."""
        self.ensure_one()
        channel = self.with_context(force_company=company.id)
        if channel.journal_id:
            return channel.journal_id
        # sudo: posting a paid order is a system step; the payer and the staff do not manage journals.
        Journal = self.env["account.journal"].sudo()
        code = ("P%s" % self.id)[:5]
        journal = Journal.search([("code", "=", code), ("company_id", "=", company.id)], limit=1)
        if not journal:
            journal = Journal.create({
                "name": _("Parking: %(channel)s") % {"channel": self.name}, "code": code,
                "type": "cash" if self.provider == "offline" else "bank", "company_id": company.id,
            })
        channel.sudo().journal_id = journal
        return journal

    @api.model
    def _get_revenue_account(self, company):
        """The income account of parking revenue in ``company`` (created on first use)."""
        # sudo: see _get_journal.
        Account = self.env["account.account"].sudo()
        account = Account.search([("code", "=", "EP4001"), ("company_id", "=", company.id)], limit=1)
        if not account:
            account = Account.create({
                "code": "EP4001", "name": _("Parking Revenue"), "company_id": company.id,
                "user_type_id": self.env.ref("account.data_account_type_revenue").id,
            })
        return account

    def _post_receipt(self, lot, amount, ref, date, partner=None, label=None):
        """Post money received through this channel as parking revenue of ``lot``.

        One balanced entry in the channel's journal: debit the journal's account, credit the
        parking revenue account with the lot's analytic account. Returns the posted move."""
        self.ensure_one()
        if amount <= 0:
            raise UserError(_("Only a positive amount can be posted."))
        company = lot.company_id or self.env.user.company_id
        journal = self._get_journal(company)
        if not journal.default_debit_account_id:
            raise UserError(_("The journal %(journal)s has no default account.") % {"journal": journal.name})
        label = label or ref
        amount = float(amount)
        common = {"name": label, "partner_id": partner.id if partner else False}
        # sudo: see _get_journal; the move is the accounting trace of a payment already validated.
        move = self.env["account.move"].sudo().create({
            "journal_id": journal.id, "date": date, "ref": ref, "company_id": company.id,
            "line_ids": [
                (0, 0, dict(common, account_id=journal.default_debit_account_id.id, debit=amount, credit=0.0)),
                (0, 0, dict(common, account_id=self._get_revenue_account(company).id, debit=0.0, credit=amount,
                            analytic_account_id=lot._get_analytic_account().id)),
            ],
        })
        move.post()
        return move
