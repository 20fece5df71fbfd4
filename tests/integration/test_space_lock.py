"""A space lock over MQTT end to end (seed 000 §2.5.2, §2.6.2): the lock (a real paho client) receives
``lower_lock``/``raise_lock`` through the bridge and acks; the owner's operation, the lock's state and
the paid sharing deposit follow the acks; a lock that refuses leaves the operation failed."""
from mqtt_helpers import DeviceClient, unique, wait_until


def make_lock(transaction, password):
    site, lock_code = unique("IT-LOT"), unique("L")
    with transaction() as env:
        division = env["ep.parking.region"].search([("kind", "=", "division")], limit=1)
        lot = env["ep.parking.lot"].create({"name": site, "code": site, "region_id": division.id})
        lock = env["ep.parking.space.lock"].create({"lot_id": lot.id, "lock_code": lock_code, "space": "B1-001",
                                                    "maker": "IT", "hardware_code": "HW-" + lock_code})
        lock.device_id.set_mqtt_password(password)
        owner = env["res.users"].create({"name": "IT owner " + lock_code, "login": unique("it-owner"),
                                         "groups_id": [(6, 0, env.ref("base.group_portal").ids)]})
        env["ep.parking.space.lock.grant"].create({"lot_id": lot.id, "lock_id": lock.id, "role": "owner",
                                                   "phone": "13600000000", "partner_id": owner.partner_id.id})
        return site, lock.device_id.code, lock.id, owner.id


def operate(transaction, lock_id, user_id, action):
    with transaction() as env:
        user = env["res.users"].browse(user_id)
        return env["ep.parking.space.lock"].browse(lock_id)._operate(action, user=user).id


def state(transaction, lock_id, operation_id):
    with transaction(commit=False) as env:
        lock = env["ep.parking.space.lock"].browse(lock_id)
        operation = env["ep.parking.space.lock.operation"].browse(operation_id)
        return operation.state, lock.lock_state, lock.lowered_by_id.name or False


def test_the_lock_acks_and_the_state_follows(transaction, broker, bridges):
    bridges()
    password = unique("pw")
    site, code, lock_id, owner_id = make_lock(transaction, password)

    def connect(**options):
        try:
            return DeviceClient(broker, site, code, password, **options)
        except ConnectionRefusedError:
            return None

    lock = wait_until(connect, timeout=10, interval=0.3, message="the broker to accept the lock")
    try:
        lowered = operate(transaction, lock_id, owner_id, "lower")
        wait_until(lambda: state(transaction, lock_id, lowered)[0] == "done", message="the lower acked")
        assert state(transaction, lock_id, lowered)[1:] == ("lowered", "IT owner " + code.split("lock-")[1])
        assert [body["cmd"] for body in lock.commands] == ["lower_lock"]
        raised = operate(transaction, lock_id, owner_id, "raise")
        wait_until(lambda: state(transaction, lock_id, raised)[0] == "done", message="the raise acked")
        assert state(transaction, lock_id, raised) == ("done", "raised", False)
    finally:
        lock.close()
    # a jammed lock answers with an error: the operation fails, the state stays
    jammed = wait_until(lambda: connect(auto_ack=False), timeout=10, interval=0.3, message="the lock back")
    try:
        failed = operate(transaction, lock_id, owner_id, "lower")
        wait_until(lambda: jammed.commands, message="the command delivered")
        jammed.ack(jammed.commands[-1]["id"], result=4, message="jammed")
        wait_until(lambda: state(transaction, lock_id, failed)[0] == "failed", message="the failure recorded")
        assert state(transaction, lock_id, failed)[1] == "raised"
    finally:
        jammed.close()
