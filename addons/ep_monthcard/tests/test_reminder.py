from datetime import timedelta

from odoo.addons.ep_parking.models.ep_parking_tariff import to_lot_time
from odoo.addons.ep_parking.tests.test_list_entry import stamp
from odoo.exceptions import AccessError, UserError

from .common import EpMonthcardCase

AD = ",开通彩之云-彩钱包-我的银行卡,用彩钱包支付每月享5次98折"


class TestReminder(EpMonthcardCase):
    """§2.1.3 月卡推送消息: the daily cron reminds the holders of the cards due at each lot, once."""

    def setUp(self):
        super().setUp()
        self.Reminder = self.env["ep.monthcard.reminder"]
        self.Setting = self.env["ep.monthcard.reminder.setting"]
        self.Sms = self.env["ep.parking.sms.message"]
        self.sms = self.env.ref("ep_monthcard.reminder_channel_sms")
        self.colourlife = self.env.ref("ep_monthcard.reminder_channel_colourlife_new")
        self.soon = self.new_card(plate="京A00001", days_left=3, phone="13800138001")
        self.later = self.new_card(plate="京A00002", days_left=10, phone="13800138002")
        self.ended = self.new_card(plate="京A00003", days_left=-5, phone="13800138003")
        self.nophone = self.new_card(plate="京A00004", days_left=2)
        self.disabled = self.new_card(plate="京A00005", days_left=2, phone="13800138005", state="disabled")

    def run_cron(self, days=0):
        return self.Reminder._cron_send_reminders(now=stamp(self.now + timedelta(days=days)))

    def of(self, card):
        return self.Reminder.search([("card_id", "=", card.id)])

    def day(self, card):
        end = to_lot_time(card.date_end)
        return "%s月%s日" % (end.month, end.day)

    def test_default_reminds_cards_expiring_within_a_week_by_sms(self):
        self.run_cron()
        reminder = self.of(self.soon)
        text = "您在Test Lot、车牌为京A00001的月卡将于%s到期" % self.day(self.soon)
        self.assertEqual((reminder.state, reminder.channel_id, reminder.kind, reminder.text, reminder.phone),
                         ("sent", self.sms, "expiring", text, "13800138001"))
        self.assertEqual((reminder.sms_message_id.phone, reminder.sms_message_id.body), ("13800138001", text))
        for card in (self.later, self.ended, self.disabled):
            self.assertFalse(self.of(card), "%s is not due" % card.plate)
        self.run_cron(days=4)
        self.assertTrue(self.of(self.later), "due a few days later")

    def test_sent_once(self):
        self.run_cron()
        self.run_cron()
        self.run_cron(days=1)
        self.assertEqual(len(self.of(self.soon)), 1)
        self.assertEqual(self.Sms.search_count([("phone", "=", "13800138001")]), 1)
        self.soon.date_end = stamp(self.now + timedelta(days=5))  # renewed, then due again: a new reminder
        self.run_cron()
        self.assertEqual(len(self.of(self.soon)), 2)

    def test_card_without_phone_fails(self):
        self.run_cron()
        reminder = self.of(self.nophone)
        self.assertEqual((reminder.state, reminder.error, reminder.attempts),
                         ("failed", "The card has no mobile number.", 1))
        self.run_cron()
        reminder = self.of(self.nophone)
        self.assertEqual((len(reminder), reminder.attempts), (1, 2), "tried again on the same row")
        self.nophone.phone = "13800138004"
        self.run_cron()
        self.assertEqual((reminder.state, reminder.error, reminder.attempts), ("sent", False, 3))

    def test_expired_setting_with_advert_and_channels(self):
        self.Setting.create({"lot_id": self.lot.id, "expiry": "expired", "window": "week", "sms_ad": True,
                             "channel_ids": [(6, 0, [self.sms.id, self.colourlife.id])]})
        self.run_cron()
        self.assertFalse(self.of(self.soon) | self.of(self.later))
        reminders = self.of(self.ended)
        text = "您在Test Lot、车牌为京A00003的月卡于%s已过期" % self.day(self.ended)
        self.assertEqual(sorted((r.channel_id.code, r.kind, r.text, r.state) for r in reminders), [
            ("colourlife_new", "expired", text, "sent"), ("sms", "expired", text + AD, "sent")],
            "the advert goes with SMS only")
        self.assertEqual(self.Sms.search([("phone", "=", "13800138003")]).body, text + AD)

    def test_windows(self):
        setting = self.Setting.create({"lot_id": self.lot.id, "window": "half_month"})
        self.assertEqual(setting.channel_ids, self.sms, "SMS by default")
        self.run_cron()
        self.assertTrue(self.of(self.later), "10 days left is within half a month")
        far = self.new_card(plate="京A00006", days_left=20, phone="13800138006")
        self.run_cron()
        self.assertFalse(self.of(far))
        setting.window = "month"
        self.run_cron()
        self.assertTrue(self.of(far))
        setting.active = False
        other = self.new_card(plate="京A00007", days_left=1, phone="13800138007")
        self.run_cron()
        self.assertFalse(self.of(other), "an archived setting stops the lot's reminders")

    def test_provider_failure_is_logged(self):
        self.env["ir.config_parameter"].set_param("ep_monthcard.reminder_app_provider", "nowhere")
        self.Setting.create({"lot_id": self.lot.id, "channel_ids": [(6, 0, [self.colourlife.id])]})
        self.run_cron()
        reminder = self.of(self.soon)
        self.assertEqual(reminder.state, "failed")
        self.assertIn("nowhere", reminder.error)

    def test_region_access(self):
        setting = self.Setting.sudo(self.users["lot_staff"]).create({"lot_id": self.lot.id, "sms_ad": True})
        self.run_cron()
        reminder = self.of(self.soon)
        staff = self.Reminder.sudo(self.users["lot_staff"])
        self.assertEqual(staff.search([("id", "=", reminder.id)]), reminder)
        self.assertEqual(self.Reminder.sudo(self.users["operator"]).browse(reminder.id).text,
                         "您在Test Lot、车牌为京A00001的月卡将于%s到期%s" % (self.day(self.soon), AD))
        self.assertFalse(self.Reminder.sudo(self.other_staff).search([("lot_id", "=", self.lot.id)]))
        with self.assertRaises(AccessError):
            reminder.sudo(self.other_staff).read(["text"])
        self.assertFalse(self.Setting.sudo(self.other_staff).search([("lot_id", "=", self.lot.id)]))
        with self.assertRaises(AccessError):
            setting.sudo(self.other_staff).write({"sms_ad": False})
        with self.assertRaises(AccessError):
            setting.sudo(self.users["operator"]).write({"sms_ad": False})
        with self.assertRaises(AccessError):
            staff.browse(reminder.id).write({"state": "sent"})
        action = self.lot.sudo(self.users["lot_staff"]).action_open_reminder_setting()
        self.assertEqual(action["res_id"], setting.id)

    def test_expiry_reminder_button(self):
        """§2.3.5 到期提醒: staff send the SMS of a card ending within 7 days by hand, once per end date."""
        staff = self.users["operator"]
        self.soon.sudo(staff).action_send_expiry_reminder()
        reminder = self.of(self.soon)
        self.assertEqual((reminder.state, reminder.channel_id), ("sent", self.sms))
        self.assertIn("Expiry reminder sent", self.soon.message_ids[0].body)
        with self.assertRaisesRegex(UserError, "already reminded"):
            self.soon.sudo(staff).action_send_expiry_reminder()
        for card in (self.later, self.ended):
            with self.assertRaisesRegex(UserError, "within 7 days"):
                card.sudo(staff).action_send_expiry_reminder()
        with self.assertRaisesRegex(UserError, "no mobile number"):
            self.nophone.sudo(staff).action_send_expiry_reminder()
        self.run_cron()
        self.assertEqual(len(self.of(self.soon)), 1, "the daily job does not send it again")
