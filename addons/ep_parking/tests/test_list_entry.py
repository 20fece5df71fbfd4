import json
from datetime import datetime, timedelta

from odoo import fields
from odoo.addons.ep_device_bridge.lib.protocol import Ack
from odoo.exceptions import AccessError, UserError, ValidationError

from .common import EpParkingCase


def stamp(moment):
    return fields.Datetime.to_string(moment)


class EpListCase(EpParkingCase):
    """A lot with a local server in the staff's division, one in another division, and
    helpers to play the lot's answers. Shared by the reservation and month-card tests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Region = cls.env["ep.parking.region"]
        cls.other_division = Region.create({"name": "Tianjin", "code": "T-N-TJ", "kind": "division",
                                            "parent_id": cls.region_node.id})
        for role in ("operator", "lot_staff"):
            cls.users[role].ep_region_ids = cls.division_node
        cls.other_staff = cls._create_user("lot_staff", login="ep_test_lot_staff_tj", name="EP lot staff TJ",
                                           ep_region_ids=[(6, 0, cls.other_division.ids)])
        cls.lot = cls.env["ep.parking.lot"].create({
            "name": "Test Lot", "code": "T-LOT-1", "region_id": cls.division_node.id,
            "reservation_review": "manual"})
        cls.server = cls.env["ep.device"].create({
            "name": "Test Server", "code": "server-t1", "site_code": "T-LOT-1", "kind": "local_server"})
        cls.lot_without_server = cls.env["ep.parking.lot"].create({
            "name": "Bare Lot", "code": "T-LOT-2", "region_id": cls.division_node.id})
        cls.now = fields.Datetime.from_string(fields.Datetime.now())
        cls.Entry = cls.env["ep.parking.list.entry"]
        cls.Command = cls.env["ep.device.command"]

    def as_user(self, role, records):
        return records.sudo(self.users[role])

    def new_entry(self, plate="京A12345", list_type="black", start=None, end=None, lot=None, role="lot_staff"):
        start = start or self.now - timedelta(hours=1)
        end = end or self.now + timedelta(days=7)
        return self.Entry.sudo(self.users[role]).create({
            "lot_id": (lot or self.lot).id, "plate": plate, "list_type": list_type,
            "date_start": stamp(start), "date_end": stamp(end)})

    def ack(self, command, result=0, message="ok"):
        """The lot answers ``command`` as the bridge would record it."""
        done = self.Command._apply_ack(command.device_id.site_code, command.device_id.code,
                                       Ack(command.uuid, result, message, {}))
        self.assertEqual(done, command, "the ack must match the queued command")
        self.Entry.invalidate_cache()
        return done

    def commands_of(self, record):
        return self.Command.search([("origin_model", "=", record._name), ("origin_id", "=", record.id)],
                                   order="id")


class TestListEntry(EpListCase):

    def test_push_queues_command_to_the_local_server_with_origin(self):
        entry = self.new_entry(plate="京a·12345")
        self.assertEqual(entry.plate, "京A12345")
        self.assertEqual((entry.state, entry.push_state), ("draft", False))
        entry.action_push_add()
        command = entry.push_command_id
        self.assertEqual(self.commands_of(entry), command)
        self.assertEqual(command.device_id, self.server)
        self.assertEqual(command.command, "list_add")
        self.assertEqual(command.state, "queued")
        self.assertEqual(json.loads(command.args), {
            "plate": "京A12345", "list": "black", "start": entry.date_start, "end": entry.date_end})
        self.assertEqual((command.origin_model, command.origin_id), ("ep.parking.list.entry", entry.id))
        self.assertEqual((entry.state, entry.push_state, entry.push_operation), ("draft", "pending", "list_add"))

    def test_state_changes_only_when_the_lot_confirms(self):
        entry = self.new_entry()
        entry.action_push_add()
        self.assertEqual(entry.state, "draft")
        self.ack(entry.push_command_id, message="added")
        self.assertEqual((entry.state, entry.push_state, entry.push_message), ("in_black", "sent", "added"))
        self.assertEqual((entry.pushed_date_start, entry.pushed_date_end), (entry.date_start, entry.date_end))
        self.assertFalse(entry.window_changed)

        entry.action_push_remove()
        self.assertEqual(entry.push_command_id.command, "list_remove")
        self.assertEqual((entry.state, entry.push_state), ("in_black", "pending"))
        self.ack(entry.push_command_id)
        self.assertEqual((entry.state, entry.push_state), ("out_black", "sent"))
        self.assertFalse(entry.pushed_date_end)

    def test_whitelist_states(self):
        entry = self.new_entry(list_type="white")
        entry.action_push_add()
        self.ack(entry.push_command_id)
        self.assertEqual(entry.state, "in_white")
        entry.action_push_remove()
        self.ack(entry.push_command_id)
        self.assertEqual(entry.state, "out_white")
        # and back on the list
        entry.action_push_add()
        self.ack(entry.push_command_id)
        self.assertEqual(entry.state, "in_white")

    def test_failed_ack_keeps_the_state_and_shows_why(self):
        entry = self.new_entry()
        entry.action_push_add()
        self.ack(entry.push_command_id, result=3, message="list full")
        self.assertEqual((entry.state, entry.push_state, entry.push_message), ("draft", "failed", "list full"))
        self.assertIn("list full", entry.message_ids[0].body)
        # pushed again, now it works
        entry.action_push_add()
        self.assertEqual(entry.push_state, "pending")
        self.ack(entry.push_command_id)
        self.assertEqual((entry.state, entry.push_state), ("in_black", "sent"))
        # a failed removal keeps the plate listed
        entry.action_push_remove()
        self.ack(entry.push_command_id, result=5, message="busy")
        self.assertEqual((entry.state, entry.push_state), ("in_black", "failed"))

    def test_dead_command_marks_the_push_failed(self):
        entry = self.new_entry()
        entry.action_push_add()
        entry.push_command_id.sudo()._mark_dead("no ack after 5 attempt(s)")  # the bridge gives up
        self.Entry.invalidate_cache()
        self.assertEqual((entry.state, entry.push_state), ("draft", "failed"))
        self.assertEqual(entry.push_message, "no ack after 5 attempt(s)")

    def test_only_the_latest_push_decides(self):
        entry = self.new_entry()
        entry.action_push_add()
        first = entry.push_command_id
        entry.action_push_remove()
        self.ack(first)  # the add arrives late: the removal is what counts
        self.assertEqual((entry.state, entry.push_state), ("draft", "pending"))
        self.ack(entry.push_command_id)
        self.assertEqual(entry.state, "out_black")

    def test_edit_window_and_push_again(self):
        entry = self.new_entry()
        entry.action_push_add()
        self.ack(entry.push_command_id)
        new_end = stamp(self.now + timedelta(days=30))
        entry.date_end = new_end
        self.assertTrue(entry.window_changed)
        self.assertEqual(entry.state, "in_black")
        entry.action_push_window()
        self.assertEqual(json.loads(entry.push_command_id.args)["end"], new_end)
        self.ack(entry.push_command_id)
        self.assertEqual((entry.state, entry.pushed_date_end), ("in_black", new_end))
        self.assertFalse(entry.window_changed)
        with self.assertRaises(UserError):
            self.new_entry(plate="京A54321").action_push_window()

    def test_window_must_end_after_it_starts(self):
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.new_entry(start=self.now, end=self.now)
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.new_entry(start=self.now, end=self.now - timedelta(days=1))

    def test_no_plate_on_both_lists_or_twice_on_one_at_the_same_time(self):
        self.new_entry(list_type="black", end=self.now + timedelta(days=7))
        # (savepoints: the refused rows were inserted before the check, a request would roll them back)
        with self.assertRaisesRegex(ValidationError, "both lists"), self.cr.savepoint():
            self.new_entry(list_type="white", start=self.now + timedelta(days=6), end=self.now + timedelta(days=9))
        with self.assertRaisesRegex(ValidationError, "already on the"), self.cr.savepoint():
            self.new_entry(list_type="black", start=self.now + timedelta(days=1), end=self.now + timedelta(days=2))
        # after the window, on another lot: fine
        later = self.new_entry(list_type="white", start=self.now + timedelta(days=7), end=self.now + timedelta(days=9))
        self.new_entry(list_type="white", lot=self.lot_without_server)
        # moving a window onto another one is refused too
        with self.assertRaisesRegex(ValidationError, "both lists"), self.cr.savepoint():
            later.date_start = stamp(self.now + timedelta(days=3))

    def test_entries_taken_off_do_not_block_but_are_checked_when_pushed_again(self):
        old = self.new_entry(list_type="white")
        old.action_push_add()
        self.ack(old.push_command_id)
        old.action_push_remove()
        self.ack(old.push_command_id)
        black = self.new_entry(list_type="black")  # the white one is off the list: allowed
        with self.assertRaisesRegex(ValidationError, "both lists"):
            old.action_push_add()
        self.assertEqual(black.state, "draft")

    def test_pushed_entry_keeps_its_lot_plate_and_list(self):
        entry = self.new_entry()
        entry.plate = "京A99999"  # still a draft: may be corrected
        entry.action_push_add()
        for vals in ({"plate": "京A88888"}, {"list_type": "white"}, {"lot_id": self.lot_without_server.id}):
            with self.assertRaises(UserError):
                entry.write(vals)
        self.ack(entry.push_command_id)
        with self.assertRaises(UserError):
            entry.sudo(self.users["manager"]).unlink()  # still on the lot's list
        self.assertEqual(entry.plate, "京A99999")

    def test_remove_needs_an_earlier_push(self):
        with self.assertRaises(UserError):
            self.new_entry().action_push_remove()

    def test_lot_without_local_server(self):
        entry = self.new_entry(lot=self.lot_without_server)
        with self.assertRaisesRegex(UserError, "no local server"):
            entry.action_push_add()

    def test_expiry_cron_pushes_the_removal_and_reverts_on_ack(self):
        expired = self.new_entry(start=self.now - timedelta(days=10), end=self.now - timedelta(minutes=5))
        expired.action_push_add()
        self.ack(expired.push_command_id)
        running = self.new_entry(plate="京A22222", list_type="white")
        running.action_push_add()
        self.ack(running.push_command_id)
        draft = self.new_entry(plate="京A33333", start=self.now - timedelta(days=3),
                               end=self.now - timedelta(days=1))
        stuck = self.new_entry(plate="京A44444", lot=self.lot_without_server,
                               start=self.now - timedelta(days=3), end=self.now - timedelta(days=1))
        stuck.sudo().write({"state": "in_black"})  # listed in the past, the server is gone since

        self.Entry._cron_expire()
        self.Entry.invalidate_cache()
        removal = expired.push_command_id
        self.assertEqual((removal.command, expired.state, expired.push_state),
                         ("list_remove", "in_black", "pending"))
        self.assertEqual(len(self.commands_of(running)), 1)
        self.assertFalse(self.commands_of(draft))
        self.assertEqual((stuck.state, stuck.push_state), ("in_black", "failed"))
        self.assertIn("no local server", stuck.push_message)

        self.Entry._cron_expire()  # the removal is under way: not sent twice
        self.assertEqual(expired.push_command_id, removal)
        self.ack(removal, result=2, message="busy")
        self.Entry._cron_expire()  # a failed removal is tried again
        self.assertNotEqual(expired.push_command_id, removal)
        self.ack(expired.push_command_id)
        self.assertEqual((expired.state, expired.push_state), ("out_black", "sent"))

    def test_month_card_warning_is_empty_without_month_cards(self):
        entry = self.new_entry()
        self.assertFalse(entry.month_card_warning)

    def test_operator_reads_but_cannot_create_or_push(self):
        entry = self.new_entry()
        as_operator = self.as_user("operator", entry)
        self.assertEqual(as_operator.plate, "京A12345")
        with self.assertRaises(AccessError):
            as_operator.action_push_add()
        with self.assertRaises(AccessError):
            self.new_entry(plate="京A77777", role="operator")
        self.assertFalse(entry.push_command_id)

    def test_staff_of_another_region_do_not_see_the_entry(self):
        entry = self.new_entry()
        Entry = self.Entry.sudo(self.other_staff)
        self.assertFalse(Entry.search([("id", "=", entry.id)]))
        with self.assertRaises(AccessError):
            Entry.browse(entry.id).read(["plate"])
        with self.assertRaises(AccessError):
            Entry.browse(entry.id).action_push_add()

    def test_menu_and_cron(self):
        menu = self.env.ref("ep_parking.ep_parking_list_entry_menu")
        self.assertEqual(menu.parent_id, self.env.ref("ep_parking.traffic_menu"))
        cron = self.env.ref("ep_parking.ep_parking_list_entry_cron_expire")
        self.assertEqual(cron.model_id.model, "ep.parking.list.entry")
        self.assertIn("_cron_expire", cron.code)
        self.assertIsInstance(self.now, datetime)
