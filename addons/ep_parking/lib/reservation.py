"""Free entry reservations (seed 000 §2.2.6): the review state table.

Every button of the reservation list is an action; an action is allowed only in the
states the manual's table lists, and says what happens to the whitelist entry that
lets the car in:

* ``"push"``: put the plate on the lot's whitelist for the reservation window;
* ``"resend"``: send that whitelist entry to the lot again (an earlier push failed);
* ``"remove"``: take the plate off the whitelist;
* ``None``: only the state changes.
"""

PENDING, APPROVED, REJECTED, CANCELLED = "pending", "approved", "rejected", "cancelled"
STATES = (PENDING, APPROVED, REJECTED, CANCELLED)

APPROVE, REJECT, CANCEL_OWNER, CANCEL_STAFF, RESEND, RESTORE = (
    "approve", "reject", "cancel_owner", "cancel_staff", "resend", "restore")
ACTIONS = (APPROVE, REJECT, CANCEL_OWNER, CANCEL_STAFF, RESEND, RESTORE)

PUSH, RESEND_PUSH, REMOVE = "push", "resend", "remove"

# (state, action) -> (state after, whitelist effect), row by row as in the manual.
TRANSITIONS = {
    (PENDING, APPROVE): (APPROVED, PUSH),          # 同意: 下发白名单到厂家, 并变状态
    (PENDING, REJECT): (REJECTED, None),           # 拒绝: 只变状态
    (PENDING, CANCEL_OWNER): (CANCELLED, None),    # APP取消: 只变状态
    (APPROVED, RESEND): (APPROVED, RESEND_PUSH),   # 重发: 重发到厂家
    (APPROVED, RESTORE): (PENDING, REMOVE),        # 恢复: 变状态, 取消白名单
    (APPROVED, CANCEL_STAFF): (CANCELLED, REMOVE),  # 取消: 变状态, 取消白名单
    (APPROVED, CANCEL_OWNER): (CANCELLED, REMOVE),  # APP取消: 取消白名单
    (REJECTED, RESTORE): (PENDING, None),          # 恢复: 只变状态
    (CANCELLED, RESTORE): (PENDING, None),         # 恢复: 只变状态
}


def transition(state, action):
    """``(new_state, whitelist_effect)`` of ``action`` on a reservation in ``state``.

    Raises ValueError for an unknown state or action, or an action the table does not
    allow in that state.
    """
    if state not in STATES:
        raise ValueError("unknown reservation state %r" % (state,))
    if action not in ACTIONS:
        raise ValueError("unknown reservation action %r" % (action,))
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise ValueError("action %r is not allowed on a %s reservation" % (action, state)) from None


def allowed_actions(state):
    """The actions the table allows in ``state``, in the order of ``ACTIONS``."""
    return tuple(action for action in ACTIONS if (state, action) in TRANSITIONS)


def owner_may_cancel(date_end, now):
    """The owner cancels in the app only while the reservation has not ended (§2.2.6 c)."""
    return date_end > now
