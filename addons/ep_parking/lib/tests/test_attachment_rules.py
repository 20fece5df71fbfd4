import pytest

from ep_parking.lib.attachment_rules import (
    BAD_CONTENT,
    BAD_EXTENSION,
    EMPTY,
    MAX_BYTES,
    TOO_LARGE,
    TOO_MANY,
    FileRuleError,
    check_count,
    check_file,
    extension_kind,
    format_size,
    sniff,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
EXE = b"MZ\x90\x00" + b"\x00" * 32


@pytest.mark.parametrize("data, kind", [
    (PNG, "png"), (JPG, "jpg"), (PDF, "pdf"), (b"junk\n" + PDF, "pdf"), (EXE, None), (b"", None), (None, None),
])
def test_sniff_reads_the_magic_bytes(data, kind):
    assert sniff(data) == kind


def test_pdf_header_must_be_near_the_start():
    assert sniff(b"\x00" * 2048 + PDF) is None


@pytest.mark.parametrize("name, kind", [
    ("a.jpg", "jpg"), ("A.JPEG", "jpg"), ("scan.PDF", "pdf"), ("x.png", "png"),
    ("x.exe", None), ("jpg", None), ("", None), (None, None), ("a.pdf.exe", None),
])
def test_extension_kind(name, kind):
    assert extension_kind(name) == kind


@pytest.mark.parametrize("name, data, kind", [
    ("photo.jpg", JPG, "jpg"), ("photo.jpeg", JPG, "jpg"), ("map.png", PNG, "png"), ("contract.pdf", PDF, "pdf"),
])
def test_valid_files_pass(name, data, kind):
    assert check_file(name, data) == kind


def _reason(name, data, **kw):
    with pytest.raises(FileRuleError) as info:
        check_file(name, data, **kw)
    assert isinstance(info.value, ValueError)
    return info.value.reason


def test_executable_is_refused_by_name():
    assert _reason("setup.exe", EXE) == BAD_EXTENSION


def test_fake_image_is_refused_by_content():
    assert _reason("photo.jpg", EXE) == BAD_CONTENT


def test_content_must_match_the_extension():
    assert _reason("photo.jpg", PNG) == BAD_CONTENT
    assert _reason("contract.pdf", JPG) == BAD_CONTENT


def test_empty_file_is_refused():
    assert _reason("photo.jpg", b"") == EMPTY


def test_size_limit_is_inclusive():
    at_limit = JPG + b"\x00" * (MAX_BYTES - len(JPG))
    assert check_file("big.jpg", at_limit) == "jpg"
    error = pytest.raises(FileRuleError, check_file, "big.jpg", at_limit + b"\x00").value
    assert error.reason == TOO_LARGE
    assert error.params["max_bytes"] == MAX_BYTES


def test_allowed_kinds_restrict_the_check():
    assert check_file("c.pdf", PDF, allowed=("pdf",)) == "pdf"
    assert _reason("c.png", PNG, allowed=("pdf",)) == BAD_EXTENSION


def test_custom_size_limit():
    assert _reason("c.pdf", PDF, max_bytes=10) == TOO_LARGE


def test_count_limit():
    assert check_count(0, 3) == 0
    assert check_count(3, 3) == 3
    with pytest.raises(FileRuleError) as info:
        check_count(4, 3)
    assert info.value.reason == TOO_MANY
    assert info.value.params == {"count": 4, "max_count": 3}


@pytest.mark.parametrize("size, text", [(5 * 1024 * 1024, "5 MB"), (512 * 1024, "512 KB"), (100, "100 B")])
def test_format_size(size, text):
    assert format_size(size) == text


def test_any_type_checks_only_the_size():
    """Approval attachments (§2.7: 支持各类型文件上传，文件大小限制在5M内) take any file."""
    assert check_file("setup.exe", b"MZ\x90\x00", allowed=None) is None
    assert check_file("scan.pdf", b"%PDF-1.4 x", allowed=None) == "pdf"
    with pytest.raises(FileRuleError) as error:
        check_file("big.zip", b"x" * (MAX_BYTES + 1), allowed=None)
    assert error.value.reason == TOO_LARGE
    with pytest.raises(FileRuleError) as error:
        check_file("empty.txt", b"", allowed=None)
    assert error.value.reason == EMPTY
