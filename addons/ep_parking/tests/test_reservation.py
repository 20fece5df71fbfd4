from datetime import timedelta

from odoo.addons.ep_parking.lib import reservation as rules
from odoo.exceptions import AccessError, UserError, ValidationError

from .test_list_entry import EpListCase, stamp

ACTION_METHODS = {
    "approve": "action_approve", "reject": "action_reject", "cancel_owner": "action_cancel_owner",
    "cancel_staff": "action_cancel_staff", "resend": "action_resend", "restore": "action_restore",
}


class TestReservation(EpListCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.owner = cls.env["res.partner"].create({"name": "Owner", "mobile": "13700137000"})
        cls.Reservation = cls.env["ep.parking.reservation"]

    def request(self, plate="京B12345", start=None, end=None, lot=None, role="lot_staff"):
        start = start or self.now + timedelta(days=1)
        end = end or start + timedelta(hours=8)
        return self.Reservation.sudo(self.users[role]).create({
            "lot_id": (lot or self.lot).id, "partner_id": self.owner.id, "plate": plate,
            "date_start": stamp(start), "date_end": stamp(end)})

    def in_state(self, state, **kw):
        """A reservation as imported in ``state`` (no whitelist entry)."""
        reservation = self.request(**kw)
        reservation.with_context(ep_parking_reservation_import=True).sudo().write({"state": state})
        return reservation

    def approved(self, **kw):
        reservation = self.request(**kw)
        reservation.action_approve()
        self.ack(reservation.list_entry_id.push_command_id)
        self.assertEqual(reservation.list_entry_id.state, "in_white")
        return reservation

    # ------------------------------------------------------------ creation
    def test_manual_review_lot_takes_anyone_as_pending(self):
        reservation = self.request()
        self.assertEqual((reservation.state, reservation.review_mode), ("pending", "manual"))
        self.assertEqual(reservation.phone, "13700137000")
        self.assertTrue(reservation.request_date)
        self.assertFalse(reservation.list_entry_id)
        self.assertFalse(self.Command.search([("device_id", "=", self.server.id)]))
        # the review mode is the lot's at the time of the request
        self.lot.reservation_review = "system"
        self.assertEqual(reservation.review_mode, "manual")

    def test_system_review_lot_refuses_owners_without_month_card(self):
        self.lot.reservation_review = "system"
        with self.assertRaisesRegex(UserError, "only month-card holders of this lot can book here"):
            self.request()
        self.assertFalse(self.Reservation.search([("lot_id", "=", self.lot.id)]))

    def test_request_hook_for_the_owner_app(self):
        reservation = self.Reservation.sudo(self.users["lot_staff"])._request(
            self.lot, self.owner, "京b-12345", stamp(self.now + timedelta(hours=1)),
            stamp(self.now + timedelta(hours=3)))
        self.assertEqual((reservation.plate, reservation.partner_id, reservation.state),
                         ("京B12345", self.owner, "pending"))

    def test_window_must_end_after_it_starts(self):
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.request(start=self.now, end=self.now)

    # ------------------------------------------------------------ the table, row by row
    def test_pending_approve_pushes_the_whitelist_window(self):
        reservation = self.request()
        reservation.action_approve()
        self.assertEqual(reservation.state, "approved")
        entry = reservation.list_entry_id
        self.assertEqual((entry.lot_id, entry.plate, entry.list_type), (self.lot, "京B12345", "white"))
        self.assertEqual((entry.date_start, entry.date_end), (reservation.date_start, reservation.date_end))
        command = entry.push_command_id
        self.assertEqual((command.command, command.device_id), ("list_add", self.server))
        self.assertEqual(reservation.push_state, "pending")
        self.ack(command)
        self.assertEqual((entry.state, reservation.push_state), ("in_white", "sent"))

    def test_pending_reject_only_changes_the_state(self):
        reservation = self.request()
        reservation.action_reject()
        self.assertEqual(reservation.state, "rejected")
        self.assertFalse(reservation.list_entry_id)
        self.assertFalse(self.Command.search([("device_id", "=", self.server.id)]))

    def test_pending_owner_cancel_only_changes_the_state(self):
        reservation = self.request()
        reservation.action_cancel_owner()
        self.assertEqual(reservation.state, "cancelled")
        self.assertFalse(reservation.list_entry_id)
        self.assertFalse(self.Command.search([("device_id", "=", self.server.id)]))

    def test_approved_resend_pushes_again(self):
        reservation = self.request()
        reservation.action_approve()
        entry, first = reservation.list_entry_id, reservation.list_entry_id.push_command_id
        self.ack(first, result=4, message="offline")
        self.assertEqual((reservation.push_state, entry.state), ("failed", "draft"))
        reservation.action_resend()
        self.assertEqual((reservation.state, reservation.list_entry_id), ("approved", entry))
        self.assertNotEqual(entry.push_command_id, first)
        self.assertEqual(entry.push_command_id.command, "list_add")
        self.ack(entry.push_command_id)
        self.assertEqual(entry.state, "in_white")

    def test_approved_restore_removes_the_whitelist(self):
        reservation = self.approved()
        reservation.action_restore()
        self.assertEqual(reservation.state, "pending")
        entry = reservation.list_entry_id
        self.assertEqual((entry.push_command_id.command, entry.state), ("list_remove", "in_white"))
        self.ack(entry.push_command_id)
        self.assertEqual(entry.state, "out_white")
        # approved again: the same entry goes back on the list
        reservation.action_approve()
        self.ack(entry.push_command_id)
        self.assertEqual((reservation.list_entry_id, entry.state), (entry, "in_white"))

    def test_approved_staff_cancel_removes_the_whitelist(self):
        reservation = self.approved()
        reservation.action_cancel_staff()
        self.assertEqual(reservation.state, "cancelled")
        self.assertEqual(reservation.list_entry_id.push_command_id.command, "list_remove")
        self.ack(reservation.list_entry_id.push_command_id)
        self.assertEqual(reservation.list_entry_id.state, "out_white")

    def test_approved_owner_cancel_removes_the_whitelist(self):
        reservation = self.approved()
        reservation.action_cancel_owner()
        self.assertEqual(reservation.state, "cancelled")
        self.assertEqual(reservation.list_entry_id.push_command_id.command, "list_remove")

    def test_rejected_and_cancelled_restore_to_pending(self):
        for state in ("rejected", "cancelled"):
            reservation = self.in_state(state, plate="京B1234%s" % len(state))
            reservation.action_restore()
            self.assertEqual(reservation.state, "pending")
            self.assertFalse(reservation.list_entry_id)
        self.assertFalse(self.Command.search([("device_id", "=", self.server.id)]))

    def test_every_action_outside_the_table_is_refused(self):
        refused = [(state, action) for state in rules.STATES for action in rules.ACTIONS
                   if (state, action) not in rules.TRANSITIONS]
        self.assertEqual(len(refused), 15)
        for state, action in refused:
            reservation = self.in_state(state)
            with self.assertRaises(UserError, msg="%s on %s" % (action, state)):
                getattr(reservation, ACTION_METHODS[action])()
            self.assertEqual(reservation.state, state)
        self.assertFalse(self.Command.search([("device_id", "=", self.server.id)]))

    def test_owner_cannot_cancel_after_the_end(self):
        reservation = self.request(start=self.now - timedelta(hours=5), end=self.now - timedelta(hours=1))
        with self.assertRaisesRegex(UserError, "has ended"):
            reservation.action_cancel_owner()
        self.assertEqual(reservation.state, "pending")
        reservation.action_reject()  # staff still review it
        self.assertEqual(reservation.state, "rejected")

    def test_approval_refused_when_the_plate_is_blacklisted_then(self):
        self.new_entry(plate="京B12345", list_type="black", start=self.now, end=self.now + timedelta(days=30))
        reservation = self.request()
        with self.assertRaisesRegex(ValidationError, "both lists"), self.cr.savepoint():
            reservation.action_approve()
        self.assertEqual(reservation.state, "pending")

    def test_time_and_plate_fixed_once_approved(self):
        reservation = self.request()
        reservation.plate = "京B54321"  # pending: can be corrected
        reservation.action_approve()
        with self.assertRaises(UserError):
            reservation.date_end = stamp(self.now + timedelta(days=5))
        with self.assertRaises(UserError):
            reservation.partner_id = self.env["res.partner"].create({"name": "Someone"})
        self.assertEqual(reservation.list_entry_id.plate, "京B54321")

    # ------------------------------------------------------------ access
    def test_operator_cannot_review(self):
        reservation = self.request()
        as_operator = reservation.sudo(self.users["operator"])
        self.assertEqual(as_operator.state, "pending")  # operators see it
        for method in ("action_approve", "action_reject"):
            with self.assertRaises(AccessError):
                getattr(as_operator, method)()
        with self.assertRaises(AccessError):
            self.request(plate="京B99999", role="operator")
        self.assertEqual(reservation.state, "pending")
        self.assertFalse(reservation.list_entry_id)

    def test_staff_of_another_region_cannot_see_the_reservation(self):
        reservation = self.request()
        Reservation = self.Reservation.sudo(self.other_staff)
        self.assertFalse(Reservation.search([("id", "=", reservation.id)]))
        with self.assertRaises(AccessError):
            Reservation.browse(reservation.id).read(["plate"])
        with self.assertRaises(AccessError):
            Reservation.browse(reservation.id).action_approve()

    def test_menu(self):
        menu = self.env.ref("ep_parking.ep_parking_reservation_menu")
        self.assertEqual(menu.parent_id, self.env.ref("ep_parking.traffic_menu"))
