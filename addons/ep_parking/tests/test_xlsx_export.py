import xlrd

from odoo.exceptions import AccessError, UserError

from .common import EpParkingLotCase


def read_sheet(data):
    sheet = xlrd.open_workbook(file_contents=data).sheet_by_index(0)
    return [sheet.row_values(index) for index in range(sheet.nrows)]


class TestXlsxExport(EpParkingLotCase):
    """Back-office list exports: the list view's columns, the chosen rows or the list's filter,
    read as the user who asked (regions apply), downloadable by them only."""

    def export(self, user, records, use_filter=False, domain=None):
        Export = self.env["ep.parking.xlsx.export"].sudo(user).with_context(active_domain=domain)
        action = Export._action_export(records.sudo(user), use_filter=use_filter)
        export = Export.browse(int(action["url"].rsplit("/", 1)[1]))
        return export

    def test_filtered_list_is_limited_to_the_users_regions(self):
        staff = self.users["lot_staff"]
        export = self.export(staff, self.env["ep.parking.lot"], use_filter=True, domain=[("code", "=like", "T-LOT-%")])
        filename, data = export._get_file()
        self.assertTrue(filename.endswith(".xlsx"))
        rows = read_sheet(data)
        columns = [label for _name, label in export._get_columns()]
        self.assertEqual(rows[0], columns, "the header is the list view's columns")
        names = [row[columns.index(self.env["ep.parking.lot"]._fields["name"].string)] for row in rows[1:]]
        self.assertIn(self.lot.name, names)
        self.assertNotIn(self.other_lot.name, names, "the other division's lot is not staff's")
        # the manager sees both
        export = self.export(self.users["manager"], self.env["ep.parking.lot"], use_filter=True,
                             domain=[("code", "=like", "T-LOT-%")])
        self.assertEqual(len(read_sheet(export._get_file()[1])), 3)

    def test_chosen_records_and_cells(self):
        manager = self.users["manager"]
        gate = self.env["ep.device"].search([("lot_id", "=", self.lot.id)], limit=1)
        export = self.export(manager, gate)
        rows = read_sheet(export._get_file()[1])
        self.assertEqual(len(rows), 2)
        columns = dict(export._get_columns())
        header = rows[0]
        self.assertEqual(rows[1][header.index(columns["lot_id"])], self.lot.display_name, "many2one: its name")
        labels = dict(self.env["ep.device"]._fields["kind"]._description_selection(self.env))
        self.assertEqual(rows[1][header.index(columns["kind"])], labels[gate.kind], "selection: its label")
        with self.assertRaisesRegex(UserError, "Choose the records"):
            self.export(manager, self.env["ep.device"])

    def test_an_export_is_its_creators_only(self):
        export = self.export(self.users["manager"], self.lot)
        with self.assertRaises(AccessError):
            export.sudo(self.users["lot_staff"])._get_file()
        # a chosen record the user may not read is refused, not exported
        export = self.export(self.users["lot_staff"], self.other_lot.sudo())
        with self.assertRaises(AccessError):
            export._get_file()
