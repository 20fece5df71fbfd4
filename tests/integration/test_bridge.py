"""ep_device_bridge end to end: real Mosquitto, real bridge processes, paho clients as devices."""
import shutil
import time

import pytest
from mqtt_helpers import LOGS, broker, unique, wait_until


@pytest.fixture(scope="module", autouse=True)
def fresh_bridge_logs():
    shutil.rmtree(LOGS, ignore_errors=True)
    LOGS.mkdir(parents=True)


def states(transaction, uuids):
    with transaction(commit=False) as env:
        commands = env["ep.device.command"].search([("uuid", "in", list(uuids))])
        return {command.uuid: command.state for command in commands}


def queue_commands(transaction, code, count, commit=True, **args):
    with transaction(commit=commit) as env:
        device = env["ep.device"].search([("code", "=", code)])
        return [env["ep.device.command"].send(device, "open_gate", dict(args, n=n)).uuid for n in range(count)]


def all_acked(transaction, uuids):
    current = states(transaction, uuids)
    return len(current) == len(uuids) and set(current.values()) == {"acked"}


def test_rolled_back_command_is_never_published(transaction, make_device, bridges):
    bridges()
    device = make_device()
    rolled_back = queue_commands(transaction, device.code, 1, commit=False, note="rolled back")
    kept = queue_commands(transaction, device.code, 1, note="kept")
    wait_until(lambda: all_acked(transaction, kept), message="the committed command to be acked")
    time.sleep(1.5)  # a poll interval and more: nothing else may arrive
    assert device.received_ids() == kept
    assert states(transaction, rolled_back) == {}


def test_command_result_and_device_error(transaction, make_device, bridges):
    bridges()
    device = make_device(auto_ack=False)
    [command_id] = queue_commands(transaction, device.code, 1)
    wait_until(lambda: device.received_ids() == [command_id], message="the command")
    device.ack(command_id, result=3, message="barrier jammed", data={"sensor": "blocked"})
    wait_until(lambda: states(transaction, [command_id]) == {command_id: "failed"}, message="failed state")
    with transaction(commit=False) as env:
        command = env["ep.device.command"].search([("uuid", "=", command_id)])
        assert (command.result_code, command.result_message) == (3, "barrier jammed")
        assert '"blocked"' in command.response


def test_same_event_three_times_is_one_row(transaction, make_device, bridges):
    bridges()
    device = make_device()
    event_id = unique("evt")
    for _ in range(3):
        device.event(event_id, "plate_seen", plate="粤B12345").wait_for_publish(5)
    other = unique("evt")
    device.event(other, "plate_seen").wait_for_publish(5)

    def stored():
        with transaction(commit=False) as env:
            return env["ep.device.event"].search_count([("device_code", "=", device.code)])

    wait_until(lambda: stored() == 2, message="two distinct events")
    time.sleep(0.5)
    with transaction(commit=False) as env:
        rows = env["ep.device.event"].search([("event_id", "=", event_id)])
        assert len(rows) == 1 and rows.body()["plate"] == "粤B12345" and rows.device_id.code == device.code
    # the device gets a receipt for each (a stored event again too: it may forget it)
    wait_until(lambda: device.receipts == {event_id, other}, message="receipts of both events")
    device.receipts.clear()
    device.event(event_id, "plate_seen", plate="粤B12345").wait_for_publish(5)
    wait_until(lambda: device.receipts == {event_id}, message="a receipt for an event sent again")


def test_device_cannot_publish_on_another_devices_topic(transaction, make_device, bridges):
    bridges()
    device, other = make_device(), make_device()
    spoofed = device.event(unique("spoof"), "heartbeat", code=other.code)
    refused = device.client.publish(device.topic("cmd", other.code), "{}", qos=1)
    own = device.event(unique("own"), "heartbeat")
    for info in (spoofed, refused, own):
        info.wait_for_publish(5)
    # MQTT 5: the broker answers each foreign PUBLISH with "Not authorized" and drops it
    assert device.publish_results[spoofed.mid].value == 0x87
    assert device.publish_results[refused.mid].value == 0x87
    assert not device.publish_results[own.mid].is_failure
    time.sleep(1)
    with transaction(commit=False) as env:
        assert env["ep.device.event"].search_count([("device_code", "=", other.code)]) == 0
    assert other.received_ids() == []


def test_presence_follows_status_and_last_will(transaction, make_device, bridges):
    bridges()
    device = make_device()

    def online():
        with transaction(commit=False) as env:
            return env["ep.device"].search([("code", "=", device.code)]).online

    wait_until(online, message="online")
    device.vanish()
    wait_until(lambda: online() is False, message="offline from the last will")


def test_broker_outage_delivers_every_command_exactly_once(transaction, make_device, bridges):
    bridges()
    device = make_device()
    broker("stop")
    try:
        queued = queue_commands(transaction, device.code, 20)
        time.sleep(2)
        assert set(states(transaction, queued).values()) == {"queued"}
    finally:
        broker("start")
    wait_until(lambda: all_acked(transaction, queued), timeout=60, message="all 20 commands acked")
    time.sleep(1)
    received = device.received_ids()
    assert sorted(received) == sorted(queued), "every command exactly once"


def test_bridge_killed_mid_stream_loses_nothing(transaction, make_device, bridges):
    bridge = bridges(instance=unique("crash"), ack_timeout=3)
    device = make_device(ack_delay=0.02)
    queued = queue_commands(transaction, device.code, 60)
    wait_until(lambda: len(set(device.received_ids())) >= 10, message="the first commands")
    bridge.kill()
    events = [unique("while-down") for _ in range(30)]
    for event_id in events:
        device.event(event_id, "plate_seen")
    bridge.start()  # same instance: same MQTT session, so what it missed is redelivered
    wait_until(lambda: all_acked(transaction, queued), timeout=90, message="all 60 commands acked")
    assert set(device.received_ids()) == set(queued)

    def stored():
        with transaction(commit=False) as env:
            return env["ep.device.event"].search_count([("event_id", "in", events)])

    wait_until(lambda: stored() == len(events), timeout=30, message="events published while the bridge was down")


def stored_count(transaction, events):
    with transaction(commit=False) as env:
        return env["ep.device.event"].search_count([("event_id", "in", events)])


def inbound_holder(bridges):
    """The bridges whose log says they took the inbound session (a bridge logs it on taking it)."""
    return [bridge for bridge in bridges if "holds the inbound lock" in bridge.log.read_text()]


def test_two_bridges_share_the_work_without_doing_it_twice(transaction, make_device, bridges):
    """Both publish commands (each claims its own), one receives; when that one is SIGKILLed the other
    takes the inbound session over, with what arrived meanwhile."""
    started = [bridges(instance=unique("a")), bridges(instance=unique("b"))]
    wait_until(lambda: len(inbound_holder(started)) == 1, message="one bridge holding the inbound session")
    device = make_device()
    events = [unique("shared") for _ in range(200)]
    for event_id in events:
        device.event(event_id, "plate_seen")
    queued = queue_commands(transaction, device.code, 40)
    wait_until(lambda: all_acked(transaction, queued), timeout=60, message="all commands acked")
    wait_until(lambda: stored_count(transaction, events) == len(events), timeout=30, message="all events stored")
    time.sleep(1)
    assert sorted(device.received_ids()) == sorted(queued), "each command published once"
    with transaction(commit=False) as env:
        env.cr.execute("SELECT count(*), count(DISTINCT event_id) FROM ep_device_event WHERE event_id IN %s",
                       (tuple(events),))
        assert env.cr.fetchone() == (200, 200)

    holder = inbound_holder(started)[0]
    holder.kill()
    later = [unique("failover") for _ in range(50)]
    for event_id in later:
        device.event(event_id, "plate_seen")
    wait_until(lambda: stored_count(transaction, later) == len(later), timeout=60,
               message="events published after the receiving bridge was killed")
    assert inbound_holder([bridge for bridge in started if bridge is not holder])


def test_broker_restart_keeps_the_inbound_subscription(transaction, make_device, bridges):
    """Mosquitto 2.0 does not restore MQTT 5 shared subscriptions from its persistence: a device's event
    published after a broker restart and before the bridges subscribe again was dropped ("No matching
    subscribers"). The inbound session's plain subscription is restored, so the broker queues them."""
    bridge = bridges()
    wait_until(lambda: inbound_holder([bridge]), message="the inbound session")
    device = make_device()
    bridge.stop()  # no bridge connected across the restart
    broker("stop")
    wait_until(lambda: not device.connected.is_set(), message="the device to see the broker go")
    broker("start")
    assert device.connected.wait(20), "the device reconnected"
    events = [unique("after-restart") for _ in range(20)]
    infos = [device.event(event_id, "plate_seen") for event_id in events]
    for info in infos:
        info.wait_for_publish(10)
    assert {str(device.publish_results[info.mid]) for info in infos} == {"Success"}
    bridge.start()
    wait_until(lambda: stored_count(transaction, events) == len(events), timeout=30,
               message="events published while no bridge was subscribed")


def test_demo_gate_account_reaches_only_its_own_topics(broker):
    from mqtt_helpers import DeviceClient

    gate = DeviceClient(broker, "SZ-001", "gate-in-1", "gate-in-1-demo", auto_ack=False)
    try:
        refused = gate.client.publish("ep/SZ-001/gate-out-1/ack", "{}", qos=1)
        refused.wait_for_publish(5)
        allowed = gate.event(unique("demo"), "heartbeat")
        allowed.wait_for_publish(5)
        assert gate.publish_results[refused.mid].value == 0x87
        assert not gate.publish_results[allowed.mid].is_failure
    finally:
        gate.close()
    with pytest.raises(ConnectionRefusedError):
        DeviceClient(broker, "SZ-001", "gate-in-1", "wrong-password")


def test_device_cannot_speak_for_another_sites_device_nor_read_foreign_topics(transaction, make_device, bridges,
                                                                            broker):
    """The broker's ACL (ep/+/%u/...) ties a topic's device level to the account, not the site: a device
    may publish on ep/<another site>/<its code>/..., the topics of another site's device of the same
    code. The bridge drops those; and the device reads no topic but its own commands."""
    import json

    import paho.mqtt.client as mqtt

    bridges()
    device = make_device(auto_ack=False)
    with transaction() as env:  # the same code at another site: another device, with its own account
        twin = env["ep.device"].create({"name": "Twin", "code": device.code, "site_code": "IT-LOT-2",
                                        "mqtt_username": unique("twin")})
        twin_id = twin.id
    spoofed = device.client.publish("ep/IT-LOT-2/%s/event" % device.code,
                                    json.dumps({"event_id": unique("spoof"), "type": "heartbeat"}), qos=1)
    presence = device.client.publish("ep/IT-LOT-2/%s/status" % device.code, "online", qos=1)
    own_cmd = device.client.publish(device.topic("cmd"), "{}", qos=1)
    no_channel = device.client.publish("ep/%s/%s" % (device.site, device.code), "{}", qos=1)
    bridge_level = device.client.publish("ep/%s" % device.site, "{}", qos=1)
    marker = device.event(unique("marker"), "heartbeat")
    for info in (spoofed, presence, own_cmd, no_channel, bridge_level, marker):
        info.wait_for_publish(5)
    # the broker refuses what no ACL line grants: writing one's own commands, topics off the contract
    for info in (own_cmd, no_channel, bridge_level):
        assert device.publish_results[info.mid].value == 0x87
    # the bridge handles messages in order: once the marker is stored, the spoofed ones were seen
    def stored(site):
        with transaction(commit=False) as env:
            return env["ep.device.event"].search_count([("site_code", "=", site), ("device_code", "=", device.code)])

    wait_until(lambda: stored(device.site), timeout=30, message="the device's own event stored")
    with transaction(commit=False) as env:
        assert stored("IT-LOT-2") == 0
        assert not env["ep.device"].browse(twin_id).online
    # reading: subscribed to everything, the device gets what the bridge sends another device? Then
    # a command to this device: once it is in, the other one would have been too (one publisher, in order).
    other = make_device(site=device.site, auto_ack=False)
    received, granted = [], []
    device.client.on_message = lambda client, userdata, message: received.append((message.topic, message.payload))
    device.client.on_subscribe = lambda client, userdata, mid, codes, properties: granted.append(mid)
    for pattern in ("ep/#", "ep/+/+/cmd", "#"):
        device.client.subscribe(pattern, qos=1)
    wait_until(lambda: len(granted) == 3, timeout=10, message="the broker to answer the subscriptions")
    sender = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=unique("it-sender"), protocol=mqtt.MQTTv5)
    sender.username_pw_set(broker["username"], broker["password"])
    sender.connect(broker["host"], broker["port"])
    sender.loop_start()
    try:
        sender.publish(other.topic("cmd"), json.dumps({"id": unique("foreign")}), qos=1).wait_for_publish(5)
        mine = unique("mine")
        sender.publish(device.topic("cmd"), json.dumps({"id": mine}), qos=1).wait_for_publish(5)
        wait_until(lambda: any(mine.encode() in payload for _topic, payload in received), timeout=10,
                   message="the device's own command")
    finally:
        sender.loop_stop()
        sender.disconnect()
        device.client.unsubscribe(["ep/#", "ep/+/+/cmd", "#"])  # the session outlives the test
    assert {topic for topic, _payload in received} <= {device.topic("cmd"), device.topic("status")}, received
