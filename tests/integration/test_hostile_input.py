"""Hostile input on the vendor API (issue 14 item 4): generated bad bodies — not JSON, not an object,
a required field missing, a field of the wrong type or value — on every vendor endpoint of the real
server always answer a 4xx with a JSON reason, never a 500 or a traceback, and write nothing: the
row counts stay as they were. Bodies larger than the API takes are refused with 413 before they
are read. Hypothesis draws the bodies (derandomised: the same run every time)."""
import base64
import json

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

TOKEN = "keytop-demo-token-0001"  # the demo vendor of SZ-001
LOT = "SZ-001"
EXAMPLES = 1000
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                    suppress_health_check=list(HealthCheck))

# fields without which a body is incomplete (the others are optional)
REQUIRED = {"passages": ("event_id", "lot", "plate", "direction", "gate", "time"),
            "abnormal_openings": ("event_id", "lot", "gate", "kind", "time"), "heartbeat": ("lot",)}
GOOD = {
    "passages": {"event_id": "fuzz-ok", "lot": LOT, "plate": "粤B12345", "direction": "out", "gate": "gate-out-1",
                 "time": "2024-05-01T09:30:00+08:00", "amount_due": "8.00", "amount_paid": "8.00",
                 "paid_online": False, "photo": ""},
    "abnormal_openings": {"event_id": "fuzz-ok", "lot": LOT, "plate": "粤B12345", "gate": "gate-out-1",
                          "kind": "remote", "time": "2024-05-01T09:30:00+08:00", "reason": "test", "photo": ""},
    "heartbeat": {"lot": LOT, "devices": ["gate-in-1"]},
}
# values a field must not take: wrong types, or strings it refuses (text fields take numbers as text:
# vendors send numeric event ids and gate codes)
BAD = {
    "event_id": st.one_of(st.booleans(), st.just("e\x00"), st.lists(st.text(), max_size=2),
                          st.text(alphabet="e", min_size=129, max_size=140),
                          st.just(""), st.just(None)),
    "lot": st.one_of(st.lists(st.integers(), max_size=2), st.just(""), st.just("SZ-001\x00"),
                     st.text(alphabet="xyz#", min_size=1, max_size=10)),
    "plate": st.one_of(st.integers(), st.text(alphabet="ABC123!@", min_size=1, max_size=12), st.just("粤B1"),
                       st.lists(st.text(), max_size=2)),
    "direction": st.one_of(st.text(alphabet="abcdefghjk", max_size=4), st.integers(), st.booleans()),
    "time": st.one_of(st.text(alphabet="abxyz:-", min_size=1, max_size=12), st.integers(min_value=0),
                      st.just("2024-13-01T00:00:00"), st.just(""), st.booleans()),
    "amount_due": st.one_of(st.just("-1"), st.just("1.234"), st.text(alphabet="abc,", min_size=1, max_size=5),
                            st.just([]), st.just({})),
    "amount_paid": st.one_of(st.just("-0.01"), st.just("NaN"), st.just("1e999"), st.just({})),
    "paid_online": st.one_of(st.integers(), st.text(max_size=3), st.just([])),
    "gate": st.one_of(st.booleans(), st.just(""), st.lists(st.integers(), max_size=2),
                      st.text(alphabet="g", min_size=65, max_size=70)),
    "kind": st.one_of(st.text(alphabet="xyz", min_size=1, max_size=5), st.integers(), st.just("")),
    "reason": st.one_of(st.text(alphabet="r", min_size=501, max_size=520), st.floats(), st.just({"a": 1})),
    "photo": st.one_of(st.text(alphabet="!@#$%", min_size=1, max_size=8), st.integers(),
                       st.just(base64.b64encode(b"GIF89a not a jpeg").decode())),
    "devices": st.one_of(st.text(min_size=1, max_size=5), st.integers(), st.lists(st.integers(), min_size=1,
                                                                                 max_size=3)),
}
def _containers(children):
    return st.lists(children, max_size=4)


# Named functions, not lambdas, in the strategies: hypothesis reads a lambda's source with ``ast``, whose
# ``arguments`` class runtime/odoo_py311.py replaces once Odoo is loaded in this process.
json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False,
                           allow_infinity=False) | st.text(max_size=20), _containers, max_leaves=10)


def _encode(value):
    return json.dumps(value).encode()


def _not_json_object(data):
    return not _is_json_object(data)


def bad_bodies(endpoint):
    """Bytes of a body ``endpoint`` must refuse."""
    good = GOOD[endpoint]

    def without(field):
        return _encode({key: value for key, value in good.items() if key != field})

    def wrong_value(field):
        def body(value):
            return _encode(dict(good, **{field: value}))
        return BAD[field].map(body)

    fields = [field for field in good if field in BAD]
    wrong = st.sampled_from(fields).flatmap(wrong_value)
    return st.one_of(json_values.map(_encode), st.binary(max_size=60).filter(_not_json_object),
                     st.sampled_from(REQUIRED[endpoint]).map(without), wrong, wrong)


def _is_json_object(data):
    try:
        return isinstance(json.loads(data.decode("utf-8")), dict)
    except (ValueError, UnicodeDecodeError):
        return False


def counts(transaction):
    with transaction(commit=False) as env:
        return (env["ep.parking.passage"].search_count([]), env["ep.parking.abnormal.opening"].search_count([]),
                env["ep.device"].search_count([("last_seen", "!=", False)]))


def check_refusal(response, body):
    assert 400 <= response.status_code < 500, (response.status_code, body[:200], response.text[:300])
    assert "Traceback" not in response.text
    answer = response.json()
    assert answer["result"] >= 40000 and answer["message"], answer


@pytest.fixture(scope="module")
def api(server_url):
    session = requests.Session()
    session.headers.update({"Authorization": "Bearer %s" % TOKEN, "Content-Type": "application/json"})
    return session


@pytest.mark.parametrize("endpoint", sorted(GOOD))
def test_bad_bodies_are_refused_with_a_reason_and_write_nothing(endpoint, server_url, api, transaction):
    before = counts(transaction)
    seen = []

    @SETTINGS
    @given(body=bad_bodies(endpoint))
    def post(body):
        seen.append(body)
        check_refusal(api.post("%s/ep/api/v1/%s" % (server_url, endpoint), data=body, timeout=30), body)

    post()
    assert len(seen) >= EXAMPLES
    assert counts(transaction) == before, "a refused body wrote something"


@SETTINGS
@given(lot=st.text(max_size=12), plate=st.text(max_size=12))
def test_fee_query_never_fails_on_odd_parameters(lot, plate, server_url, api):
    response = api.get("%s/ep/api/v1/fee" % server_url, params={"lot": lot, "plate": plate}, timeout=30)
    assert response.status_code < 500, (lot, plate, response.text[:300])
    assert "Traceback" not in response.text
    response.json()


def test_bodies_larger_than_the_api_takes_are_refused_before_reading(server_url, api, transaction):
    before = counts(transaction)
    huge = b'{"lot": "SZ-001", "photo": "' + b"A" * (4 * 1024 * 1024) + b'"}'
    for endpoint in sorted(GOOD):
        response = api.post("%s/ep/api/v1/%s" % (server_url, endpoint), data=huge, timeout=60)
        assert response.status_code == 413, (endpoint, response.status_code, response.text[:200])
        assert response.json()["result"] == 41301
    form = requests.post("%s/ep/api/v1/passages" % server_url, data={"x": "y" * (4 * 1024 * 1024)},
                         headers={"Authorization": "Bearer %s" % TOKEN}, timeout=60)
    assert form.status_code == 413
    assert counts(transaction) == before
