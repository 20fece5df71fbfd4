"""Mosquitto password-file entries, so device accounts can be managed from EP Suite.

Format of Mosquitto 2 (``mosquitto_passwd``): ``user:$7$<iterations>$<salt b64>$<hash b64>``,
PBKDF2-HMAC-SHA512 with a 12-byte salt and a 64-byte key.
"""
import base64
import hashlib
import hmac
import os

ITERATIONS = 101
SALT_BYTES = 12


def password_hash(password, salt=None, iterations=ITERATIONS):
    if not password:
        raise ValueError("an empty password is not allowed")
    salt = os.urandom(SALT_BYTES) if salt is None else salt
    digest = hashlib.pbkdf2_hmac("sha512", password.encode("utf-8"), salt, iterations, 64)
    return "$7$%d$%s$%s" % (iterations, base64.b64encode(salt).decode(), base64.b64encode(digest).decode())


def check_password(password, hashed):
    try:
        _, kind, iterations, salt, _digest = hashed.split("$")
    except (AttributeError, ValueError):
        return False
    if kind != "7":
        return False
    expected = password_hash(password, base64.b64decode(salt), int(iterations))
    return hmac.compare_digest(expected, hashed)


def merge_password_file(text, accounts, managed):
    """The password file ``text`` with the ``accounts`` {user: hash} written in and every other
    user in ``managed`` (the users EP Suite owns) removed; lines of other users are kept."""
    for user in accounts:
        if not user or ":" in user or "\n" in user:
            raise ValueError("invalid MQTT user name %r" % (user,))
    kept = []
    for line in text.splitlines():
        user = line.split(":", 1)[0]
        if line.strip() and user not in managed and user not in accounts:
            kept.append(line)
    kept.extend("%s:%s" % (user, hashed) for user, hashed in sorted(accounts.items()))
    return "\n".join(kept) + "\n"
