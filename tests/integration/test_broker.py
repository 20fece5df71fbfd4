"""The project's Mosquitto: authenticated MQTT 5 on loopback, QoS 1, ACL per device topic."""
import queue
import uuid

import paho.mqtt.client as mqtt
import pytest


def connect(broker, username, password, timeout=10):
    events = queue.Queue()
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="ep-test-%s" % uuid.uuid4().hex[:8],
                         protocol=mqtt.MQTTv5)
    if username is not None:
        client.username_pw_set(username, password)
    client.on_connect = lambda c, userdata, flags, reason, props: events.put(("connect", reason))
    client.on_message = lambda c, userdata, message: events.put(("message", message))
    client.on_subscribe = lambda c, userdata, mid, reasons, props: events.put(("subscribe", reasons))
    client.connect(broker["host"], broker["port"], keepalive=30)
    client.loop_start()
    kind, reason = events.get(timeout=timeout)
    assert kind == "connect"
    return client, reason, events


def test_bridge_account_round_trip_qos1(broker):
    client, reason, events = connect(broker, broker["username"], broker["password"])
    try:
        assert not reason.is_failure, reason
        topic = "ep/LOT-IT/gate-1/event"
        client.subscribe(topic, qos=1)
        assert events.get(timeout=10)[0] == "subscribe"
        payload = '{"event_id": "%s", "type": "heartbeat"}' % uuid.uuid4()
        client.publish(topic, payload, qos=1).wait_for_publish(10)
        kind, message = events.get(timeout=10)
        assert kind == "message" and message.payload.decode() == payload and message.qos == 1
    finally:
        client.loop_stop()
        client.disconnect()


@pytest.mark.parametrize("username, password", [(None, None), ("ep-bridge", "wrong-password"),
                                                ("nobody", "nothing")])
def test_broker_refuses_unknown_clients(broker, username, password):
    if username == "ep-bridge":
        username = broker["username"]
    client, reason, _events = connect(broker, username, password)
    client.loop_stop()
    client.disconnect()
    assert reason.is_failure
    assert reason.value in (0x86, 0x87)  # bad user name or password / not authorized
