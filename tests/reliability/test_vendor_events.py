"""Issue 14 item 2: vendor events over HTTP and MQTT, 1% of them sent twice, while the broker is
SIGKILLed 3 times and the Odoo server (with one of the bridges) twice: every event is stored exactly
once, every entry is matched with its exit, and the counts add up by direction and by channel.

The gates behave as the device protocol asks (ep_device_bridge/README.rst): an event the broker did not
acknowledge is published again with the same event id. What the broker acknowledged is the broker's to
keep: it is delivered to the inbound session at once, or queued for it and saved every second."""
import queue
import secrets
import threading
import time
from datetime import datetime, timedelta

from faults import Chaos, RetryingPoster, Stopwatch, outage, seeded_rng, size
from mqtt_helpers import DeviceClient, unique

EVENTS = size(2000, 100000)  # entries and exits, duplicates not counted
DUPLICATE_RATE = 0.01
HTTP_SENDERS = 6
GATES = 2  # entry gates, and as many exit gates, each an MQTT client
RECEIPT_TIMEOUT = 15  # seconds a gate waits for the bridge's receipt before it publishes an event again


class Gate(DeviceClient):
    """A gate reporting passages over MQTT (it receives no commands here)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_ack=False, **kwargs)


def acked(info):
    """Whether the broker acknowledged a publication (paho raises for one made while disconnected)."""
    try:
        return info.is_published()
    except (RuntimeError, ValueError):
        return False


def make_lot(transaction, token):
    code = unique("REL")
    with transaction() as env:
        vendor = env["ep.parking.vendor"].create({"name": code, "code": code, "kind": "cloud"})
        vendor.set_api_token(token)
        division = env["ep.parking.region"].search([("kind", "=", "division")], limit=1)
        env["ep.parking.lot"].create({"name": code, "code": code, "region_id": division.id,
                                      "vendor_cloud_id": vendor.id})
    return code


def plan_events(rng, lot, count):
    """Cars entering every few seconds and leaving 1 to 60 minutes later, in time order; each event
    goes over HTTP or MQTT at random, and 1% are sent again (same channel) a little later."""
    start = datetime(2026, 1, 5, 6, 0, 0)
    events, cars = [], count // 2
    for index in range(cars):
        plate = "京Z%05d" % index
        entered = start + timedelta(seconds=3 * index)
        left = entered + timedelta(seconds=rng.randint(60, 3600))
        for direction, moment in (("in", entered), ("out", left)):
            event = {"event_id": "%s-%d-%s" % (lot, index, direction), "lot": lot, "plate": plate,
                     "direction": direction, "time": moment.strftime("%Y-%m-%d %H:%M:%S"),
                     "channel": rng.choice(("http", "mqtt")), "gate": rng.randrange(GATES)}
            if direction == "out":
                event.update(amount_due="5.00", amount_paid="5.00")
            events.append(event)
    events.sort(key=lambda event: event["time"])
    again = {}
    for index in rng.sample(range(len(events)), int(len(events) * DUPLICATE_RATE)):
        again.setdefault(min(index + rng.randint(1, 50), len(events) - 1), []).append(events[index])
    stream = []
    for index, event in enumerate(events):
        stream.append(event)
        stream.extend(again.get(index, []))
    return events, stream


def test_events_stored_once_and_matched_through_kills(transaction, server, broker, bridges, make_device):
    rng = seeded_rng("vendor events")
    token = secrets.token_urlsafe(24)
    lot = make_lot(transaction, token)
    events, stream = plan_events(rng, lot, EVENTS)
    # two bridges share the MQTT work; the server outages take one of them down with the server
    bridge_options = {"batch_size": 200}
    shared = [bridges(**bridge_options), bridges(**bridge_options)]
    gates = {direction: [make_device(lot, client_class=Gate) for _ in range(GATES)] for direction in ("in", "out")}

    # Vendors reach the server through a proxy that routes to it once it serves again (/web/login):
    # requests arriving while a restarting Odoo 11 loads its database can hang it (see the report).
    serving = threading.Event()
    serving.set()
    poster = RetryingPoster(server.url + "/ep/api/v1/passages", {"Authorization": "Bearer " + token},
                            serving=serving)
    work, answers, dispatched = queue.Queue(maxsize=HTTP_SENDERS * 2), [], [0]

    def send():
        while True:
            event = work.get()
            if event is None:
                return
            body = {key: value for key, value in event.items() if key != "channel"}
            body["gate"] = gates[event["direction"]][event["gate"]].code
            answers.append((event["event_id"],) + poster.post(body))

    senders = [threading.Thread(target=send, daemon=True) for _ in range(HTTP_SENDERS)]
    for sender in senders:
        sender.start()

    def server_outage(bridge):
        def fault():
            serving.clear()
            server.kill()
            bridge.kill()
            bridge.start()  # same instance: its MQTT session keeps what it had not acknowledged
            server.start()
            serving.set()
        return fault

    faults = [("broker", outage(broker, rng)) for _ in range(3)]
    faults += [("server", server_outage(shared[0])), ("server", server_outage(shared[1]))]
    chaos = Chaos(faults, lambda: dispatched[0], len(stream), rng)
    published = {}  # event id -> paho MessageInfo of each MQTT publication (did the broker PUBACK it?)
    clock = Stopwatch("vendor events (%d events, %d sent)" % (len(events), len(stream)))

    def publish(event):
        gate = gates[event["direction"]][event["gate"]]
        fields = {"plate": event["plate"], "time": event["time"]}
        if event["direction"] == "out":
            fields.update(amount_due=event["amount_due"], amount_paid=event["amount_paid"])
        published.setdefault(event["event_id"], []).append(
            gate.event(event["event_id"], "entry" if event["direction"] == "in" else "exit", **fields))

    chaos.start()
    for event in stream:
        if event["channel"] == "http":
            work.put(event)
        else:
            publish(event)
        dispatched[0] += 1
    for _ in senders:
        work.put(None)
    for sender in senders:
        sender.join(900)
    clock.mark("all sent, HTTP answered")
    chaos.finish()
    assert sorted(name for name, _ in chaos.done) == ["broker"] * 3 + ["server"] * 2

    # A gate keeps an event until the bridge's receipt says it is stored, as the device protocol asks, and
    # publishes it again (same event id) when none came within a while: what the broker had not acknowledged
    # when it died, and what it acknowledged but had not saved yet, goes out again; the bridge stores it once.
    last_sent = {event["event_id"]: time.monotonic() for event in events if event["channel"] == "mqtt"}
    republished, quiet_since, receipted = 0, time.monotonic(), -1
    while time.monotonic() - quiet_since < 60:
        waiting = [event for event in events if event["channel"] == "mqtt"
                   and event["event_id"] not in gates[event["direction"]][event["gate"]].receipts]
        if not waiting:
            break
        if len(last_sent) - len(waiting) != receipted:
            receipted, quiet_since = len(last_sent) - len(waiting), time.monotonic()
        for event in waiting:
            if time.monotonic() - last_sent[event["event_id"]] > RECEIPT_TIMEOUT:
                publish(event)
                last_sent[event["event_id"]] = time.monotonic()
                republished += 1
        time.sleep(1)
    clock.mark("MQTT events published again for want of a receipt: %d" % republished)

    def progress():
        with transaction(commit=False) as env:
            env.cr.execute("SELECT count(*) FROM ep_parking_passage p JOIN ep_parking_lot l ON l.id = p.lot_id "
                           "WHERE l.code = %s", [lot])
            stored = env.cr.fetchone()[0]
            waiting = env["ep.device.event"].search_count([("site_code", "=", lot), ("state", "=", "received")])
        return stored, waiting

    # until everything is stored, or nothing more arrives for a minute (then the checks below say what is missing)
    last, changed = None, time.monotonic()
    while time.monotonic() - changed < 60:
        current = progress()
        if current == (len(events), 0):
            break
        if current != last:
            last, changed = current, time.monotonic()
        time.sleep(1)
    clock.mark("all stored and dispatched", len(events))

    # the vendors got a final answer for every HTTP event: created, or recognised as a duplicate
    refused = [answer for answer in answers if answer[1] != 200 or answer[2].get("result") != 0]
    assert refused == []
    http_sent = [event for event in stream if event["channel"] == "http"]
    assert len(answers) == len(http_sent)
    with transaction(commit=False) as env:
        cr = env.cr
        cr.execute("""SELECT p.event_ref, p.direction, p.source, p.plate, p.state, x.event_ref, e.event_ref
                        FROM ep_parking_passage p JOIN ep_parking_lot l ON l.id = p.lot_id
                        LEFT JOIN ep_parking_passage x ON x.id = p.exit_id
                        LEFT JOIN ep_parking_passage e ON e.id = p.entry_id
                       WHERE l.code = %s""", [lot])
        rows = cr.fetchall()
        cr.execute("SELECT event_id, state, error FROM ep_device_event WHERE site_code = %s", [lot])
        device_events = cr.fetchall()

    # exactly once: one row per event id (the constraint forbids more), none invented, none missing
    stored_ids = [row[0] for row in rows]
    stored_set = set(stored_ids)
    by_id = {event["event_id"]: event for event in events}
    missing = sorted(event["event_id"] for event in events if event["event_id"] not in stored_set)
    assert missing == [], "%d events never stored (%s acknowledged by the broker to the gate): %s" % (
        len(missing), sum(1 for event_id in missing if any(acked(info) for info in published.get(event_id, []))),
        ", ".join("%s (%s)" % (event_id, by_id[event_id]["channel"]) for event_id in missing[:10]))
    assert sorted(stored_ids) == sorted(by_id)
    assert all((row[1], row[2], row[3]) == (by_id[row[0]]["direction"], by_id[row[0]]["channel"],
                                             by_id[row[0]]["plate"]) for row in rows)
    # every entry closed by its own exit, and that exit points back at it (both stored)
    partner = {event["event_id"]: event["event_id"][:-2] + "out" if event["direction"] == "in"
               else event["event_id"][:-3] + "in" for event in events}
    assert [row[:2] + row[4:] for row in rows if row[1] == "in" and row[4:6] != ("left", partner[row[0]])] == []
    assert [row[:2] + row[4:] for row in rows if row[1] == "out" and (row[4], row[6]) != ("exit", partner[row[0]])] \
        == []
    # counts by direction and channel reconcile with what was stored of what was sent
    for direction in ("in", "out"):
        for channel in ("http", "mqtt"):
            sent = sum(1 for e in events if (e["direction"], e["channel"]) == (direction, channel))
            assert sum(1 for row in rows if (row[1], row[2]) == (direction, channel)) == sent
    # the bridge stored each MQTT event it got once (duplicates and redeliveries included) and ran its handler
    mqtt_ids = sorted(event["event_id"] for event in events if event["channel"] == "mqtt")
    assert sorted(row[0] for row in device_events) == mqtt_ids
    assert [row for row in device_events if row[1] != "done"] == []
    duplicates = sum(1 for answer in answers if answer[2].get("duplicate"))
    clock.mark("checked: HTTP duplicates answered as such %d, HTTP retries %d (%d JSON-RPC answers), faults %s"
               % (duplicates, poster.retries, poster.not_api_answers,
                  ", ".join("%s at %d" % item for item in chaos.done)))
