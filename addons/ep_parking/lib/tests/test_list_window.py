from datetime import datetime, timedelta

import pytest

from ep_parking.lib import list_window as lw

T0 = datetime(2017, 11, 28)


@pytest.mark.parametrize("list_type, command, state", [
    ("black", "list_add", "in_black"),
    ("black", "list_remove", "out_black"),
    ("white", "list_add", "in_white"),
    ("white", "list_remove", "out_white"),
])
def test_state_after_success(list_type, command, state):
    assert lw.state_after_ack(list_type, command) == state


@pytest.mark.parametrize("list_type, command", [("grey", "list_add"), ("white", "open_gate")])
def test_state_after_unknown(list_type, command):
    with pytest.raises(ValueError):
        lw.state_after_ack(list_type, command)


@pytest.mark.parametrize("a, b, expected", [
    ((0, 10), (5, 15), True),
    ((0, 10), (2, 3), True),      # contained
    ((5, 15), (0, 10), True),
    ((0, 10), (10, 20), False),   # back to back
    ((0, 10), (11, 20), False),
    ((11, 20), (0, 10), False),
])
def test_overlaps(a, b, expected):
    day = timedelta(days=1)
    assert lw.overlaps(T0 + a[0] * day, T0 + a[1] * day, T0 + b[0] * day, T0 + b[1] * day) is expected


def test_window_check():
    lw.check_window(T0, T0 + timedelta(seconds=1))
    for end in (T0, T0 - timedelta(days=1), None):
        with pytest.raises(ValueError):
            lw.check_window(T0, end)


def test_expiry():
    assert lw.is_expired(T0, T0)
    assert not lw.is_expired(T0 + timedelta(seconds=1), T0)
    assert lw.expires_within(T0 + timedelta(days=2), T0, 3)
    assert not lw.expires_within(T0 + timedelta(days=4), T0, 3)
    assert not lw.expires_within(T0 - timedelta(days=1), T0, 3)


def test_command_args():
    args = lw.command_args("粤B12345", "black", T0, "2017-12-31 23:59:59")
    assert args == {"plate": "粤B12345", "list": "black", "start": "2017-11-28 00:00:00",
                    "end": "2017-12-31 23:59:59"}
    with pytest.raises(ValueError):
        lw.command_args("粤B12345", "grey", T0, T0)
