from odoo import _, api, models


class EpParkingLot(models.Model):
    """月卡推送消息 (seed 000 §2.1.3): the lot's reminder setting (``ep.monthcard.reminder.setting``)."""

    _inherit = "ep.parking.lot"

    @api.multi
    def action_open_reminder_setting(self):
        self.ensure_one()
        setting = self.env["ep.monthcard.reminder.setting"].with_context(active_test=False).search(
            [("lot_id", "=", self.id)], limit=1)
        action = {"type": "ir.actions.act_window", "name": _("Reminder Settings"),
                  "res_model": "ep.monthcard.reminder.setting", "view_mode": "form", "target": "current",
                  "context": {"default_lot_id": self.id}}
        if setting:
            action["res_id"] = setting.id
        return action

    @api.multi
    def action_view_monthcard_reminders(self):
        return self._action_open_related("ep_monthcard.ep_monthcard_reminder_action")
