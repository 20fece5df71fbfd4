"""ep_parking over MQTT end to end: a gate reports entries and exits through the real broker and
bridge; the passage handlers registered with the bridge turn them into records."""
from mqtt_helpers import unique, wait_until


def make_lot(transaction):
    code = unique("IT-PARK")
    with transaction() as env:
        division = env["ep.parking.region"].search([("kind", "=", "division")], limit=1)
        env["ep.parking.lot"].create({"name": code, "code": code, "region_id": division.id})
    return code


def passages(transaction, lot_code):
    with transaction(commit=False) as env:
        return [(p.event_ref, p.direction, p.plate, p.state, p.entry_id.event_ref or None, p.gate_code)
                for p in env["ep.parking.passage"].search([("lot_id.code", "=", lot_code)], order="id")]


def test_gate_events_become_matched_passages(transaction, make_device, bridges):
    bridges()
    lot_code = make_lot(transaction)
    gate = make_device(site=lot_code)
    entry_id, exit_id, bad_id = unique("in"), unique("out"), unique("bad")
    gate.event(entry_id, "entry", plate="粤B·12345", time="2024-05-01T08:00:00+08:00").wait_for_publish(5)
    gate.event(entry_id, "entry", plate="粤B12345", time="2024-05-01T08:00:00+08:00").wait_for_publish(5)
    gate.event(exit_id, "exit", plate="粤B12345", time="2024-05-01T09:30:00+08:00",
               amount_due="8.00", amount_paid="8.00", paid_online=True).wait_for_publish(5)
    gate.event(bad_id, "entry", plate="NOT A PLATE", time="2024-05-01T10:00:00+08:00").wait_for_publish(5)

    wait_until(lambda: len(passages(transaction, lot_code)) == 2, message="entry and exit stored")

    def bad_event_state():
        with transaction(commit=False) as env:
            return env["ep.device.event"].search([("event_id", "=", bad_id)]).state

    wait_until(lambda: bad_event_state() == "failed", message="the bad event marked failed")
    rows = passages(transaction, lot_code)
    assert rows == [
        (entry_id, "in", "粤B12345", "left", None, gate.code),
        (exit_id, "out", "粤B12345", "exit", entry_id, gate.code),
    ]
