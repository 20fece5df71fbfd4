from datetime import datetime, timedelta

import pytest

from ep_parking.lib import reservation as r

ALLOWED = [
    # state, action, new state, whitelist effect (seed 000 §2.2.6 table)
    ("pending", "approve", "approved", "push"),
    ("pending", "reject", "rejected", None),
    ("pending", "cancel_owner", "cancelled", None),
    ("approved", "resend", "approved", "resend"),
    ("approved", "restore", "pending", "remove"),
    ("approved", "cancel_staff", "cancelled", "remove"),
    ("approved", "cancel_owner", "cancelled", "remove"),
    ("rejected", "restore", "pending", None),
    ("cancelled", "restore", "pending", None),
]
ALLOWED_PAIRS = {(state, action) for state, action, _new, _effect in ALLOWED}
REFUSED = [(state, action) for state in r.STATES for action in r.ACTIONS if (state, action) not in ALLOWED_PAIRS]


@pytest.mark.parametrize("state, action, new_state, effect", ALLOWED)
def test_table_rows(state, action, new_state, effect):
    assert r.transition(state, action) == (new_state, effect)


@pytest.mark.parametrize("state, action", REFUSED)
def test_actions_outside_the_table_are_refused(state, action):
    with pytest.raises(ValueError):
        r.transition(state, action)


def test_refused_list_is_what_the_table_leaves_out():
    assert len(REFUSED) == len(r.STATES) * len(r.ACTIONS) - 9
    assert ("pending", "cancel_staff") in REFUSED  # staff cancel only approved reservations
    assert ("pending", "resend") in REFUSED
    assert ("rejected", "approve") in REFUSED  # restore to pending first
    assert ("cancelled", "cancel_owner") in REFUSED


@pytest.mark.parametrize("state, action", [("draft", "approve"), ("pending", "delete"), (None, None)])
def test_unknown_state_or_action(state, action):
    with pytest.raises(ValueError):
        r.transition(state, action)


def test_allowed_actions():
    assert r.allowed_actions("pending") == ("approve", "reject", "cancel_owner")
    assert r.allowed_actions("approved") == ("cancel_owner", "cancel_staff", "resend", "restore")
    assert r.allowed_actions("rejected") == ("restore",)
    assert r.allowed_actions("cancelled") == ("restore",)


def test_owner_cancels_only_before_the_end():
    now = datetime(2018, 11, 28, 12, 0)
    assert r.owner_may_cancel(now + timedelta(seconds=1), now)
    assert not r.owner_may_cancel(now, now)
    assert not r.owner_may_cancel(now - timedelta(hours=1), now)
