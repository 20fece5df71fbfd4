from odoo import api, models


class EpParkingLot(models.Model):
    """厂家上报月卡 / 月卡比对 (seed 000 §2.1.3): the lot's vendor reports its month cards and the
    platform compares them with the lot's valid cards (``ep.monthcard.comparison``)."""

    _inherit = "ep.parking.lot"

    @api.multi
    def action_compare_monthcards(self):
        self.ensure_one()
        record = self.env["ep.monthcard.comparison"].create({"lot_id": self.id})
        record.action_start()
        return record._action_open_form()

    @api.multi
    def action_view_monthcard_comparisons(self):
        return self._action_open_related("ep_monthcard.ep_monthcard_comparison_action")
