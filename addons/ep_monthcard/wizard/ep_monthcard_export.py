import base64

from odoo import _, api, fields, models
from odoo.addons.ep_parking.models.ep_parking_tariff import monetary_to_decimal, to_lot_time
from odoo.exceptions import UserError

from ..lib import card_import
from ..models.ep_monthcard import VALID_STATES
from ..models.ep_monthcard_import import xlsx_bytes


class EpMonthcardExport(models.TransientModel):
    """月卡导出 (seed 000 §2.1.3): the lot's valid cards (created and in use) as an xlsx file in exactly
    the import template's format, so the file imports back (lib/card_import.py)."""

    _name = "ep.monthcard.export"
    _description = "Export Month Cards"

    lot_id = fields.Many2one("ep.parking.lot", required=True, ondelete="cascade")
    card_count = fields.Integer(compute="_compute_card_count", string="Valid Cards")
    file = fields.Binary(readonly=True, attachment=False)
    filename = fields.Char(readonly=True)

    @api.depends("lot_id")
    def _compute_card_count(self):
        for wizard in self:
            wizard.card_count = self.env["ep.monthcard"].search_count(wizard._get_card_domain()) \
                if wizard.lot_id else 0

    def _get_card_domain(self):
        return [("lot_id", "=", self.lot_id.id), ("state", "in", VALID_STATES)]

    @api.multi
    def action_export(self):
        self.ensure_one()
        cards = self.env["ep.monthcard"].search(self._get_card_domain(), order="id")
        if not cards:
            raise UserError(_("The lot %(lot)s has no valid month card to export.") % {"lot": self.lot_id.name})
        rows = card_import.export_rows(self.lot_id.name, self._prepare_export_cards(cards))
        self.write({"file": base64.b64encode(xlsx_bytes(rows, self.lot_id.name)),
                    "filename": "%s.xlsx" % self.lot_id.name})
        return {
            "type": "ir.actions.act_url", "target": "self",
            "url": "/web/content/?model=%s&id=%s&field=file&filename_field=filename&download=true"
                   % (self._name, self.id),
        }

    @api.model
    def _prepare_export_cards(self, cards):
        """The cards as lib/card_import.py Cards: validity in lot days, amount = the rule's price × spaces."""
        result = []
        for card in cards:
            price = monetary_to_decimal(card.rule_id.price) if card.rule_id else monetary_to_decimal(0)
            result.append(card_import.Card(
                0, card.holder_name or card.partner_id.name or "", card.phone or "", card.plate,
                tuple(card.plate_ids.mapped("plate")),
                card.rule_id.name or "", price * card.spaces, to_lot_time(card.date_start).date(),
                to_lot_time(card.date_end).date(), card.card_kind, card.spaces, card.space_name or "",
                card.room or ""))
        return result
