from odoo import _, api, models


class EpParkingExportFile(models.Model):
    """Renewal orders (续费订单) among the data exports prepared ahead (seed 000 §2.9.3)."""

    _inherit = "ep.parking.export.file"

    @api.model
    def _get_export_kinds(self):
        kinds = super()._get_export_kinds()
        kinds["renewals"] = {
            "label": _("Renewal Orders"),
            "headers": [_("Plate"), _("Lot"), _("Rule"), _("Periods"), _("Paid From"), _("Paid Until"), _("Amount"),
                        _("Source"), _("Done At")],
            "sql": """SELECT c.plate, l.name, ru.name, r.quantity, r.date_from, r.date_to, r.amount, r.source,
                             r.done_at
                        FROM ep_monthcard_renewal r JOIN ep_monthcard c ON c.id = r.card_id
                        JOIN ep_parking_lot l ON l.id = r.lot_id
                        LEFT JOIN ep_monthcard_rule ru ON ru.id = r.rule_id
                       WHERE r.state = 'done' AND r.lot_id IN %(lots)s AND r.done_at >= %(start)s
                         AND r.done_at < %(end)s
                       ORDER BY r.done_at, r.id""",
        }
        return kinds
