"""Upload rules for lot notes and lot documents (seed 000 §2.1.3 停车场备注, §2.1.5 资料上传).

A file is judged by its content (magic bytes), not only by its name: a renamed executable is
refused even when it is called ``photo.jpg``. Errors are ``FileRuleError`` (a ``ValueError``)
carrying a ``reason`` key and its parameters, so callers can word a translated message.
"""
import os

MB = 1024 * 1024
MAX_BYTES = 5 * MB
NOTE_ALLOWED = ("jpg", "png", "pdf")
NOTE_MAX_FILES = 3

# File kind -> extensions that name it.
EXTENSIONS = {
    "jpg": ("jpg", "jpeg"),
    "png": ("png",),
    "pdf": ("pdf",),
}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
PDF_MAGIC = b"%PDF-"
# PDF readers accept a header anywhere in the first KB (some scanners prepend junk).
PDF_HEADER_WINDOW = 1024

# Reason keys of FileRuleError.
EMPTY = "empty"
TOO_LARGE = "too_large"
BAD_EXTENSION = "bad_extension"
BAD_CONTENT = "bad_content"
TOO_MANY = "too_many"


class FileRuleError(ValueError):
    """A file or a set of files breaks an upload rule; ``reason`` is one of the keys above."""

    def __init__(self, reason, **params):
        self.reason = reason
        self.params = params
        super().__init__("%s: %s" % (reason, ", ".join("%s=%s" % item for item in sorted(params.items()))))


def sniff(data):
    """The kind of ``data`` from its first bytes ("jpg", "png", "pdf") or None."""
    if not data:
        return None
    head = bytes(data[:PDF_HEADER_WINDOW])
    if head.startswith(PNG_MAGIC):
        return "png"
    if head.startswith(JPEG_MAGIC):
        return "jpg"
    if PDF_MAGIC in head:
        return "pdf"
    return None


def extension_kind(name):
    """The kind a file name claims through its extension, or None."""
    ext = os.path.splitext(name or "")[1].lower().lstrip(".")
    for kind, extensions in EXTENSIONS.items():
        if ext in extensions:
            return kind
    return None


def check_file(name, data, allowed=NOTE_ALLOWED, max_bytes=MAX_BYTES):
    """Return the kind of the file ``name`` holding ``data``, or raise FileRuleError.

    The name must carry an allowed extension and the content must be of that very kind.
    ``allowed=None`` takes a file of any type (only its size is checked; the kind returned is
    then what the content looks like, or None).
    """
    size = len(data or b"")
    if not size:
        raise FileRuleError(EMPTY, name=name)
    if size > max_bytes:
        raise FileRuleError(TOO_LARGE, name=name, size=size, max_bytes=max_bytes)
    if allowed is None:
        return sniff(data)
    claimed = extension_kind(name)
    if claimed not in allowed:
        raise FileRuleError(BAD_EXTENSION, name=name, allowed=allowed)
    if sniff(data) != claimed:
        raise FileRuleError(BAD_CONTENT, name=name, kind=claimed)
    return claimed


def check_count(count, max_count=NOTE_MAX_FILES):
    """Raise FileRuleError when ``count`` files exceed ``max_count``."""
    if count > max_count:
        raise FileRuleError(TOO_MANY, count=count, max_count=max_count)
    return count


def format_size(max_bytes):
    """A size limit as people write it: 5 MB, 512 KB."""
    if max_bytes >= MB and not max_bytes % MB:
        return "%d MB" % (max_bytes // MB)
    if max_bytes >= 1024:
        return "%d KB" % (max_bytes // 1024)
    return "%d B" % max_bytes
