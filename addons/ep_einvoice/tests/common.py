from odoo.addons.ep_parking.tests.common import EpParkingLotCase, setup_payments

from ..models.ep_einvoice_provider import FAULT_PARAM

SELLER_TAX_NUMBER = "91440300MA5F0000X1"
COMPANY_TAX_NUMBER = "91440300MA5DDD123M"
PORTAL_PASSWORD = "Ep-Owner-2026!"


def make_owner(env, login):
    """A car owner with a portal login (their partner pays their orders)."""
    return env["res.users"].create({"name": "Owner %s" % login, "login": login, "password": PORTAL_PASSWORD,
                                    "email": "%s@example.com" % login,
                                    "groups_id": [(6, 0, [env.ref("base.group_portal").id])]})


def make_invoicing(env, lot, **rule_vals):
    """A seller invoicing ``lot`` and the lot's invoicing rule; returns the rule."""
    seller = env["ep.einvoice.taxpayer"].create({
        "name": "Seller of %s" % lot.code, "tax_number": SELLER_TAX_NUMBER, "lot_ids": [(6, 0, lot.ids)],
        "address": "深圳南山", "phone": "0755-1", "bank": "招商银行", "bank_account": "7559", "issuer": "王会计"})
    return env["ep.einvoice.rule"].create(dict(rule_vals, lot_id=lot.id, taxpayer_id=seller.id))


def paid_order(env, lot, amount, kind="temporary", partner=None, channel=None):
    """An order of ``lot`` paid at the lot (cash), posted as its receipt."""
    order = env["ep.parking.order"].create({
        "kind": kind, "lot_id": lot.id, "amount": amount, "plate": "粤B12345",
        "channel_id": (channel or env.ref("ep_parking.payment_method_cash")).id,
        "partner_id": partner.id if partner else False})
    order._set_paid("CASH-%s" % order.id)
    return order


class EinvoiceCase(EpParkingLotCase):
    """A lot with the seed's tariff and channels, its seller and invoicing rule, two car owners."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_payments(cls.env, cls.lot)
        setup_payments(cls.env, cls.other_lot)
        cls.rule = make_invoicing(cls.env, cls.lot)
        cls.seller = cls.rule.taxpayer_id
        cls.seller.lot_ids |= cls.other_lot
        cls.other_rule = cls.env["ep.einvoice.rule"].create({"lot_id": cls.other_lot.id,
                                                            "taxpayer_id": cls.seller.id})
        cls.owner, cls.rival = make_owner(cls.env, "ei_owner"), make_owner(cls.env, "ei_rival")
        cls.Invoice = cls.env["ep.einvoice.invoice"]
        cls.person = {"personal": True, "name": "张三", "email": "zhang@example.com"}
        cls.company = {"name": "深圳某某科技有限公司", "tax_number": COMPANY_TAX_NUMBER,
                       "email": "finance@example.com"}

    def set_fault(self, fault):
        self.env["ir.config_parameter"].set_param(FAULT_PARAM, fault or "")

    def pay(self, amount, kind="temporary", partner=None, lot=None):
        return paid_order(self.env, lot or self.lot, amount, kind, partner)

    def revenue_by_lot(self, lot):
        """Net credit on the parking revenue account with ``lot``'s analytic account."""
        revenue = self.env["ep.parking.payment.method"]._get_revenue_account(lot.company_id)
        lines = self.env["account.move.line"].search([("account_id", "=", revenue.id),
                                                      ("analytic_account_id", "=", lot.analytic_account_id.id)])
        return round(sum(lines.mapped("credit")) - sum(lines.mapped("debit")), 2)
