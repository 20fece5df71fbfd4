from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

MEASURES = {"income": "income", "count": "card_count"}
GROUPS = {"area": "area_id", "division": "division_id", "lot": "lot_id"}


class EpMonthcardReportCompare(models.TransientModel):
    """月卡比对 (seed 000 §2.9.2): month-card income or valid cards of two months side by side, by
    region, division or lot — the month-card report's pivot, opened on those two months."""

    _name = "ep.monthcard.report.compare"
    _description = "Compare Month Cards"

    def _default_month(self, back):
        today = fields.Date.from_string(fields.Date.context_today(self))
        return fields.Date.to_string(today.replace(day=1) - relativedelta(months=back))

    month_a = fields.Date(string="Month", required=True, default=lambda self: self._default_month(1))
    month_b = fields.Date(string="Compared With", required=True, default=lambda self: self._default_month(2))
    measure = fields.Selection([("income", "Income"), ("count", "Valid Cards")], required=True, default="income")
    group_by = fields.Selection([("area", "Region"), ("division", "Division"), ("lot", "Lot")], required=True,
                                default="area")

    @api.model
    def _first_of_month(self, value):
        return fields.Date.to_string(fields.Date.from_string(value).replace(day=1))

    @api.multi
    def action_compare(self):
        self.ensure_one()
        months = sorted({self._first_of_month(self.month_a), self._first_of_month(self.month_b)})
        if len(months) != 2:
            raise UserError(_("Choose two different months."))
        return {
            "type": "ir.actions.act_window",
            "name": _("Month Cards: %(month)s vs %(other)s") % {"month": months[1][:7], "other": months[0][:7]},
            "res_model": "ep.monthcard.report", "view_mode": "pivot,graph,tree",
            "domain": [("month", "in", months)],
            "context": {"pivot_measures": [MEASURES[self.measure]], "pivot_row_groupby": [GROUPS[self.group_by]],
                        "pivot_column_groupby": ["month:month"], "graph_measure": MEASURES[self.measure],
                        "graph_groupbys": [GROUPS[self.group_by], "month:month"]},
        }
