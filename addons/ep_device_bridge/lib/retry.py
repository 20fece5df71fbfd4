"""When to try a command again: exponential backoff with a cap, and when to give up."""
from datetime import timedelta


def retry_delay(attempts, base_seconds=10, cap_seconds=300):
    """Seconds to wait for an ack after the ``attempts``-th publication (1-based):
    base, 2*base, 4*base, ... never more than cap."""
    if attempts < 1:
        raise ValueError("attempts start at 1")
    return min(base_seconds * 2 ** min(attempts - 1, 30), cap_seconds)


def give_up_reason(attempts, max_attempts, now, deadline):
    """Why a command that is due again must not be sent again, or None to send it."""
    if deadline is not None and now >= deadline:
        return "deadline %s passed after %d attempt(s) without an ack" % (deadline, attempts)
    if attempts >= max_attempts:
        return "no ack after %d attempt(s)" % attempts
    return None


def next_attempt_at(now, attempts, base_seconds=10, cap_seconds=300):
    return now + timedelta(seconds=retry_delay(attempts, base_seconds, cap_seconds))
