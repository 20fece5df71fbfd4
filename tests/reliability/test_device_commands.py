"""Issue 14 item 2: device commands to a device that loses 5% of its acks, with the broker and a
bridge SIGKILLed once each on the way: every command ends acked (or dead with a reason), every retry
carries the same command id, so a device that executes each id once never executes one twice."""
import json
import threading
from collections import Counter

from faults import Chaos, Stopwatch, outage, seeded_rng, size
from mqtt_helpers import DeviceClient, wait_until

COMMANDS = size(500, 10000)
ACK_DROP_RATE = 0.05
BATCH = 100


class ForgetfulDevice(DeviceClient):
    """Well behaved: executes each command id once and answers repeats with the result it had; but
    5% of its acks never leave it (a radio dropping them)."""

    def __init__(self, *args, rng=None, **kwargs):
        self.rng, self.executed, self.dropped = rng, Counter(), 0
        super().__init__(*args, auto_ack=False, **kwargs)

    def _on_message(self, client, userdata, message):
        body = json.loads(message.payload)
        with self.lock:
            self.commands.append(body)
            if not self.executed[body["id"]]:
                self.executed[body["id"]] += 1  # the gate opens; a repeat of the id does not open it again
            drop = self.rng.random() < ACK_DROP_RATE
            self.dropped += drop
        if not drop:
            self.ack(body["id"], data={"executed": 1})


def test_every_command_acked_or_dead_none_executed_twice(transaction, broker, bridges, make_device):
    rng = seeded_rng("device commands")
    options = {"ack_timeout": 2, "ack_timeout_cap": 8}
    first, _second = bridges(**options), bridges(**options)
    device = make_device("REL-CMD", client_class=ForgetfulDevice, rng=rng)
    lock, queued = threading.Lock(), []

    def settled_count():
        with transaction(commit=False) as env:
            env.cr.execute("SELECT count(*) FROM ep_device_command c JOIN ep_device d ON d.id = c.device_id "
                           "WHERE d.code = %s AND c.state IN ('acked', 'failed', 'dead')", [device.code])
            return env.cr.fetchone()[0]

    def progress():
        with lock:
            return len(queued)

    chaos = Chaos([("broker", outage(broker, rng)), ("bridge", outage(first, rng))], progress, COMMANDS, rng)
    clock = Stopwatch("device commands (%d)" % COMMANDS)
    chaos.start()
    for start in range(0, COMMANDS, BATCH):
        with transaction() as env:
            target = env["ep.device"].search([("code", "=", device.code)])
            ids = [env["ep.device.command"].send(target, "open_gate", {"n": n}).uuid
                   for n in range(start, min(start + BATCH, COMMANDS))]
        with lock:
            queued.extend(ids)
    clock.mark("all queued", COMMANDS)
    chaos.finish()
    assert sorted(name for name, _ in chaos.done) == ["bridge", "broker"]
    wait_until(lambda: settled_count() == COMMANDS, timeout=240 + COMMANDS / 10, interval=1,
               message="every command acked, failed or dead")
    clock.mark("all settled", COMMANDS)

    with transaction(commit=False) as env:
        commands = env["ep.device.command"].search([("device_id.code", "=", device.code)])
        states = Counter(commands.mapped("state"))
        dead_without_reason = commands.filtered(lambda c: c.state == "dead" and not c.last_error)
        failed = commands.filtered(lambda c: c.state == "failed")
        acked = set(commands.filtered(lambda c: c.state == "acked").mapped("uuid"))
    assert sorted(commands.mapped("uuid")) == sorted(queued)
    assert set(states) <= {"acked", "dead"} and not failed, states
    assert not dead_without_reason
    with device.lock:
        received = Counter(body["id"] for body in device.commands)
        executed = dict(device.executed)
    # each attempt carried the command's own id, and only ids that were queued
    assert set(received) <= set(queued)
    assert acked <= set(received), "an acked command was received"
    assert all(count == 1 for count in executed.values()), "none executed twice"
    assert set(executed) == set(received)
    # the dropped acks did make the bridge send again (same id): the retries were exercised
    assert device.dropped and sum(received.values()) > len(received)
    clock.mark("checked: %s, %d acks dropped, %d deliveries of %d commands, faults %s" % (
        dict(states), device.dropped, sum(received.values()), len(received),
        ", ".join("%s at %d" % item for item in chaos.done)))
