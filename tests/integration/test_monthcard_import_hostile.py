"""Hostile month-card import files through the server (issue 14 item 4): the path a lot staff user
takes in the web client — JSON-RPC create of the import with the file (base64), then 整表检测,
行检测 and 入库 — with generated malformed files (addons/ep_monthcard/lib/tests/hostile_files.py:
not a zip, a truncated xlsx, wrong headers, bad cells, duplicated plates, cells beyond the sheet
limits). Each answer is a result or a UserError/ValidationError with a reason, never a server
error of another type; a malformed file ends with its issues listed or refused, never stored;
no card, sub plate, contact or vehicle is written (row counts unchanged). An upload above the size
limit is refused at create. Hypothesis draws the files (derandomised: the same run every time)."""
import base64
import importlib
import json
import urllib.request

import pytest
from hypothesis import HealthCheck, given, settings

LOGIN = "lotstaff"  # the demo lot staff of SZ-001 (ep_parking.group_lot_staff)
EXAMPLES = 200  # the pure fuzz (lib/tests/test_card_import_fuzz.py) draws 1200 files
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                    suppress_health_check=list(HealthCheck))
REASONED = ("odoo.exceptions.UserError", "odoo.exceptions.ValidationError")
GOOD_ROW = ["张三", "13800138000", "", "", "地面 100", 100, "2030/5/1-2030/5/31", "", 1, "A-01", "8-101"]
PLATES = "琼F%05d"  # no demo card has one


def call_kw(rpc, model, method, args, kwargs=None):
    """``(result, None)`` or ``(None, error data)`` of a JSON-RPC call_kw, as the web client sees it."""
    body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
        "model": model, "method": method, "args": args, "kwargs": kwargs or {}}}).encode()
    request = urllib.request.Request(rpc.url + "/web/dataset/call_kw", body, {"Content-Type": "application/json"})
    with rpc.opener.open(request, timeout=120) as response:
        assert response.status == 200
        answer = json.loads(response.read())
    if "error" in answer:
        return None, answer["error"]["data"]
    return answer["result"], None


def check_reasoned(error, what):
    assert error["name"] in REASONED, (what, error["name"], error["message"][:300])
    assert error["message"] and "Traceback" not in error["message"], (what, error)


def counts(transaction):
    with transaction(commit=False) as env:
        return tuple(env[model].with_context(active_test=False).search_count([]) for model in (
            "ep.monthcard", "ep.monthcard.plate", "res.partner", "ep.parking.vehicle"))


@pytest.fixture(scope="module")
def lot(transaction):
    from odoo.addons.ep_monthcard.models.ep_monthcard import VALID_STATES

    with transaction(commit=False) as env:
        record = env.ref("ep_parking.lot_sz001_demo")
        taken = env["ep.monthcard"].search([("lot_id", "=", record.id), ("state", "in", VALID_STATES)]).mapped("plate")
        assert taken, "the demo lot has valid cards"
        return {"id": record.id, "name": record.name, "taken": sorted(taken)[:3]}


@pytest.fixture
def staff(rpc, database):
    assert rpc.login(database, LOGIN, LOGIN)["uid"]
    return rpc


def upload(staff, lot, data):
    return call_kw(staff, "ep.monthcard.import", "create", [{
        "lot_id": lot["id"], "file": base64.b64encode(data).decode(), "filename": "fuzz.xlsx"}])


def test_malformed_files_end_in_a_reason_and_write_nothing(staff, lot, transaction):
    # the strategies' module is imported once Odoo is loaded (the transaction fixture), as Odoo names it
    hostile = importlib.import_module("odoo.addons.ep_monthcard.lib.tests.hostile_files")
    files = hostile.MalformedFiles(lot["name"], GOOD_ROW, PLATES, lot["taken"])
    data = files.valid
    record, error = upload(staff, lot, data)
    assert error is None
    for action in ("action_check_sheet", "action_check_rows"):
        assert call_kw(staff, "ep.monthcard.import", action, [[record]]) == (True, None)
    state = call_kw(staff, "ep.monthcard.import", "read", [[record], ["state"]])[0][0]["state"]
    assert state == "checked_rows", "the files' base is a good file of the lot"

    before = counts(transaction)
    outcomes = {}

    @SETTINGS
    @given(case=files.strategy())
    def run(case):
        data, must_fail = case
        record, error = upload(staff, lot, data)
        if error:
            check_reasoned(error, "create")
            outcomes["refused at upload"] = outcomes.get("refused at upload", 0) + 1
            return
        refused = False
        # a file that may be good (a flipped byte nothing reads) is checked, not stored
        for action in ("action_check_sheet", "action_check_rows") + (("action_store",) if must_fail else ()):
            _result, error = call_kw(staff, "ep.monthcard.import", action, [[record]])
            if error:
                check_reasoned(error, action)
                refused = True
                break
        (row,), error = call_kw(staff, "ep.monthcard.import", "read", [[record], ["state", "error_count",
                                                                                 "line_ids"]])
        assert error is None
        if must_fail:
            assert row["state"] in ("draft", "checked_sheet"), (row, data[:100])
            assert refused or row["error_count"], (row, data[:100])
        if row["line_ids"]:
            lines, error = call_kw(staff, "ep.monthcard.import.line", "read", [row["line_ids"], ["message"]])
            assert error is None and all(line["message"] for line in lines)
        outcome = "refused at a step" if refused and not row["error_count"] else "issues listed"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1

    run()
    assert sum(outcomes.values()) >= EXAMPLES
    assert outcomes.get("issues listed", 0) > EXAMPLES // 4 and outcomes.get("refused at a step", 0) > 10, outcomes
    assert counts(transaction) == before, "a malformed file wrote something"


def test_an_upload_above_the_limit_is_refused_at_create(staff, lot, transaction):
    from odoo.addons.ep_monthcard.lib import sheet_file

    with transaction(commit=False) as env:
        imports = env["ep.monthcard.import"].search_count([])
    data = b"PK\x03\x04" + b"\x00" * sheet_file.MAX_FILE_BYTES
    record, error = upload(staff, lot, data)
    assert record is None
    check_reasoned(error, "create")
    assert "at most 5242880 bytes" in error["message"]
    hostile = importlib.import_module("odoo.addons.ep_monthcard.lib.tests.hostile_files")
    record, error = upload(staff, lot, hostile.far_cell(1048576, 16384))  # 1 kB: a million rows for xlrd
    assert error is None
    _result, error = call_kw(staff, "ep.monthcard.import", "action_check_sheet", [[record]])
    check_reasoned(error, "action_check_sheet")
    assert "at most 10000 rows" in error["message"]
    with transaction(commit=False) as env:
        assert env["ep.monthcard.import"].search_count([]) == imports + 1  # the far cell's, not the large one
