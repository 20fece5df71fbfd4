"""Unplated cars end to end (seed 000 §2.2.4): a phone's browser walks the QR pages of the
running server over HTTP, the code comes from the test SMS provider's outbox, and paho clients
playing the entry and exit gates receive the open_gate commands through a real bridge and
Mosquitto, and ack them."""
import os
import re
import secrets

import pytest
import requests
from mqtt_helpers import BridgeProcess, unique, wait_until


@pytest.fixture
def bridge(database):
    process = BridgeProcess(database, unique("it-unplated"), os.environ.get("EP_PG_PORT", "5433")).start()
    yield process
    process.stop()


@pytest.fixture
def unplated_lot(transaction, make_device):
    """A lot with an entry and an exit gate, each played by a connected device client."""
    suffix = secrets.token_hex(3)
    lot_code = "IT-UNP-%s" % suffix
    with transaction() as env:
        Region = env["ep.parking.region"]
        company = Region.create({"name": "IT Co %s" % suffix, "code": "ITU-%s" % suffix, "kind": "company"})
        region = Region.create({"name": "IT Region", "code": "ITU-%s-R" % suffix, "kind": "region",
                                "parent_id": company.id})
        division = Region.create({"name": "IT Division", "code": "ITU-%s-R-D" % suffix, "kind": "division",
                                  "parent_id": region.id})
        env["ep.parking.lot"].create({"name": "IT Unplated Lot %s" % suffix, "code": lot_code,
                                      "region_id": division.id})
    clients = {"in": make_device(site=lot_code, code="gate-in-%s" % suffix),
               "out": make_device(site=lot_code, code="gate-out-%s" % suffix)}
    tokens = {}
    with transaction() as env:
        for direction, client in clients.items():
            gate = env["ep.device"].search([("site_code", "=", lot_code), ("code", "=", client.code)])
            gate.write({"kind": "gate", "direction": direction})
            assert gate.lot_id.code == lot_code
            tokens[direction] = gate.qr_token
    return {"code": lot_code, "clients": clients, "tokens": tokens}


def csrf(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def post(browser, page, url, **data):
    response = browser.post(url, data=dict(data, csrf_token=csrf(page)), timeout=120)
    assert response.status_code == 200, response.text[:1000]
    return response


def last_code(transaction, phone):
    with transaction(commit=False) as env:
        message = env["ep.parking.sms.message"].search([("phone", "=", phone)], limit=1)
        assert message, "the test SMS provider kept no message for %s" % phone
        return re.search(r"\b(\d{6})\b", message.body).group(1)


def visit_state(transaction, visit_id):
    with transaction(commit=False) as env:
        visit = env["ep.parking.unplated"].browse(visit_id)
        return {"state": visit.state, "plate": visit.plate, "entry_time": visit.entry_time,
                "exit_time": visit.exit_time, "gate_error": visit.gate_error,
                "entry_command": (visit.entry_command_id.uuid, visit.entry_command_id.state),
                "exit_command": (visit.exit_command_id.uuid, visit.exit_command_id.state),
                "passages": sorted((p.direction, p.source) for p in visit.entry_passage_id | visit.exit_passage_id)}


def open_gate_commands(client, visit_id):
    with client.lock:
        return [body for body in client.commands
                if body["cmd"] == "open_gate" and body["args"].get("visit") == visit_id]


def test_unplated_car_enters_and_leaves(server_url, transaction, bridge, unplated_lot):
    with transaction() as env:
        assert env["ep.parking.sms.provider"]._is_test_mode(), "the integration tests expect the test SMS provider"
    phone = "139%08d" % secrets.randbelow(10 ** 8)
    plate = "EP" + phone[-5:]
    browser = requests.Session()
    gate_in, gate_out = unplated_lot["clients"]["in"], unplated_lot["clients"]["out"]

    # entry: scan the entry gate's QR code, phone, code
    entry_url = "%s/ep/qr/g/%s" % (server_url, unplated_lot["tokens"]["in"])
    page = browser.get(entry_url, timeout=120)
    assert page.status_code == 200 and 'name="phone"' in page.text
    page = post(browser, page, entry_url + "/code", phone=phone)
    code = last_code(transaction, phone)
    assert code in page.text and "Test mode" in page.text
    page = post(browser, page, entry_url + "/verify", phone=phone, code=code)
    match = re.search(r"/ep/unplated/visit/(\d+)$", page.url)
    assert match, page.url
    visit_id = int(match.group(1))
    assert plate in page.text

    # the entry gate's device gets open_gate over MQTT and acks it
    [command] = wait_until(lambda: open_gate_commands(gate_in, visit_id), timeout=30,
                           message="open_gate on the entry gate")
    assert command["args"] == {"reason": "unplated", "plate": plate, "visit": visit_id}
    wait_until(lambda: visit_state(transaction, visit_id)["entry_command"] == (command["id"], "acked"),
               message="the entry command acked")
    state = visit_state(transaction, visit_id)
    assert (state["state"], state["plate"], state["gate_error"]) == ("in_lot", plate, False)
    assert state["exit_time"] == state["entry_time"]  # §2.2.4: in the lot, exit time = entry time
    assert state["passages"] == [("in", "unplated")]
    assert "The gate is open" in browser.get("%s/ep/unplated/visit/%s" % (server_url, visit_id), timeout=60).text
    assert not open_gate_commands(gate_out, visit_id)

    # exit: the same browser scans the exit gate's QR code; no new code needed
    exit_url = "%s/ep/qr/g/%s" % (server_url, unplated_lot["tokens"]["out"])
    page = browser.get(exit_url, timeout=120)
    assert page.status_code == 200 and "Confirm and leave" in page.text, page.text[:1000]
    scanned = visit_state(transaction, visit_id)
    assert scanned["state"] == "in_lot" and scanned["exit_time"] >= scanned["entry_time"]
    page = post(browser, page, exit_url + "/exit", visit_id=str(visit_id))
    assert page.url.endswith("/ep/unplated/visit/%s" % visit_id)

    [command] = wait_until(lambda: open_gate_commands(gate_out, visit_id), timeout=30,
                           message="open_gate on the exit gate")
    wait_until(lambda: visit_state(transaction, visit_id)["exit_command"] == (command["id"], "acked"),
               message="the exit command acked")
    state = visit_state(transaction, visit_id)
    assert state["state"] == "left"
    assert state["exit_time"] >= scanned["exit_time"]  # §2.2.4: left, exit time = payment time
    assert state["passages"] == [("in", "unplated"), ("out", "unplated")]
    assert len(open_gate_commands(gate_in, visit_id)) == 1  # the entry gate opened once only
