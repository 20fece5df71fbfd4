"""ep_charging over MQTT end to end: a charger (a real paho client) reports a car arriving in its
space, a charging session with meter values and its stop, and the car leaving; the bridge hands
the events to ep_charging, which prices the session (TOU tariff) and the occupancy (deposit)."""
from mqtt_helpers import DeviceClient, unique, wait_until

SEED = [("flat", "00:00", 0.8), ("peak", "10:00", 0.9), ("sharp", "17:00", 1.0), ("valley", "22:00", 0.5)]


def make_charger(transaction, password):
    site, code = unique("IT-CS"), unique("YKC")
    with transaction() as env:
        division = env["ep.parking.region"].search([("kind", "=", "division")], limit=1)
        lot = env["ep.parking.lot"].create({"name": site, "code": unique("IT-LOT"), "region_id": division.id})
        tariff = env["ep.charging.tariff"].create({"name": site, "segment_ids": [
            (0, 0, {"kind": kind, "start": start, "electricity": price, "service": 0.4})
            for kind, start, price in SEED]})
        rule = env["ep.charging.occupancy.rule"].create({
            "name": site, "deposit": 10, "free_after_charge_minutes": 15, "charge_unit_minutes": 30,
            "charge_unit_price": 1.5, "free_after_arrival_minutes": 15, "park_unit_minutes": 30,
            "park_unit_price": 1.5})
        station = env["ep.charging.station"].create({"name": site, "code": site, "lot_id": lot.id,
                                                     "tariff_id": tariff.id, "occupancy_rule_id": rule.id})
        station.action_activate_occupancy()
        charger = env["ep.charging.charger"].create({"station_id": station.id, "code": code})
        charger.device_id.set_mqtt_password(password)
        env["ep.charging.card"].create({"name": "IC-" + code, "kind": "physical",
                                        "station_id": station.id})._top_up(30)
    return site, code


def orders(transaction, site):
    with transaction(commit=False) as env:
        order = env["ep.charging.order"].search([("station_id.code", "=", site)])
        occupancy = env["ep.charging.occupancy"].search([("station_id.code", "=", site)])
        return ([(o.charge_state, o.kwh, o.electricity_fee, o.service_fee, o.amount_total, o.end_reason,
                  len(o.reading_ids), o.payment_state, o.card_id.balance) for o in order],
                [(o.state, o.plate, o.fee, o.refund, o.arrears, bool(o.order_id)) for o in occupancy])


def test_a_session_through_the_broker(transaction, broker, bridges):
    bridges()
    password = unique("pw")
    site, code = make_charger(transaction, password)
    charger = wait_until(lambda: _connect(broker, site, code, password), timeout=10, interval=0.3,
                         message="the broker to accept the charger")
    try:
        # lot time is UTC+8: 21:00 local is 13:00Z
        steps = [
            ("space_occupied", {"gun": 1, "plate": "粤B·12345", "ts": "2026-12-03T12:50:00Z"}),
            ("session_started", {"gun": 1, "session": "S-1", "meter_kwh": "100.000", "card": "IC-" + code,
                                 "ts": "2026-12-03T13:00:00Z"}),
            ("meter", {"gun": 1, "session": "S-1", "meter_kwh": 102, "ts": "2026-12-03T14:00:00Z"}),
            ("meter", {"gun": 1, "session": "S-1", "meter_kwh": "106", "ts": "2026-12-03T16:00:00Z"}),
            ("session_stopped", {"gun": 1, "session": "S-1", "meter_kwh": "108", "reason": "full",
                                 "ts": "2026-12-03T17:00:00Z"}),
            ("space_freed", {"gun": 1, "ts": "2026-12-03T17:45:00Z"}),
        ]
        for kind, fields in steps:  # each one stored before the next (the handlers need their order)
            event_id = unique(kind)
            charger.event(event_id, kind, **fields).wait_for_publish(5)
            wait_until(lambda event_id=event_id: _event_state(transaction, event_id) == "done",
                       message="%s handled" % kind)
        charging, occupancy = orders(transaction, site)
        # 21-22 sharp 2 kWh, 22-24 valley 4 kWh, 00-01 flat 2 kWh; service 0.4 a kWh: 8.80 from the card,
        # which paid the 10.00 deposit at the start and got 8.50 of it back
        assert charging == [("done", 8.0, 5.6, 3.2, 8.8, "full", 4, "paid", 19.7)]
        # left at 01:45 local: 30 minutes past the 15 free after charging → 1.5 of the 10.00 deposit
        assert occupancy == [("settled", "粤B12345", 1.5, 8.5, 0.0, True)]
    finally:
        charger.close()


def _connect(broker, site, code, password):
    try:
        return DeviceClient(broker, site, code, password)
    except ConnectionRefusedError:
        return None


def _event_state(transaction, event_id):
    with transaction(commit=False) as env:
        event = env["ep.device.event"].search([("event_id", "=", event_id)])
        assert event.state != "failed", event.error
        return event.state
