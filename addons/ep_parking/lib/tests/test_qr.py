import re
import struct
import zlib

import pytest

from ep_parking.lib import qr


@pytest.mark.parametrize("kind, key, url", [
    (qr.EXIT, "ab12", "https://ep.example.com/ep/qr/g/ab12"),
    (qr.ENTRY, "cd34", "https://ep.example.com/ep/qr/g/cd34"),
    (qr.LOT, "SZ-001", "https://ep.example.com/ep/qr/l/SZ-001"),
    (qr.GENERIC, None, "https://ep.example.com/ep/qr/pay"),
])
def test_material_url(kind, key, url):
    assert qr.material_url("https://ep.example.com/", kind, key) == url


def test_material_url_quotes_the_key():
    assert qr.material_url("http://h", qr.LOT, "a/b c") == "http://h/ep/qr/l/a%2Fb%20c"


@pytest.mark.parametrize("base, kind, key", [
    ("http://h", "bogus", "k"),
    ("http://h", qr.EXIT, None),
    ("http://h", qr.LOT, ""),
    ("", qr.GENERIC, None),
    ("ftp://h", qr.GENERIC, None),
])
def test_material_url_refuses_bad_input(base, kind, key):
    with pytest.raises(ValueError):
        qr.material_url(base, kind, key)


def test_gate_kinds():
    assert qr.GATE_DIRECTIONS == {"exit": "out", "entry": "in"}
    assert qr.is_gate_kind(qr.EXIT) and qr.is_gate_kind(qr.ENTRY)
    assert not qr.is_gate_kind(qr.LOT) and not qr.is_gate_kind(qr.GENERIC)


def test_material_filename_follows_the_manual():
    name = qr.material_filename("阳光大厦", "快速出场临停缴费二维码", "出口1")
    assert name == "阳光大厦-快速出场临停缴费二维码-出口1.png"
    assert qr.material_filename("Tower", "Lot Payment QR") == "Tower-Lot Payment QR.png"
    assert qr.material_filename("Tower", "Lot Payment QR", ext=None) == "Tower-Lot Payment QR"
    assert qr.material_filename("Tower", "All", ext="pdf") == "Tower-All.pdf"


def test_material_filename_drops_unsafe_characters():
    name = qr.material_filename('A/B\\C:"x"', "Kind\n?", "Gate<1>")
    assert name == "A B C x-Kind-Gate 1.png"
    assert qr.material_filename("", "", None) == "qr.png"


def _read_png(png):
    """(width, height, greyscale rows) of an 8-bit greyscale PNG as qr_png writes it."""
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    pos, chunks = 8, {}
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos:pos + 4])
        kind, data = png[pos + 4:pos + 8], png[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", png[pos + 8 + length:pos + 12 + length])
        assert crc == zlib.crc32(kind + data) & 0xFFFFFFFF
        chunks[kind] = chunks.get(kind, b"") + data
        pos += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, colour) == (8, 0)
    raw = zlib.decompress(chunks[b"IDAT"])
    rows = [raw[i * (width + 1):(i + 1) * (width + 1)] for i in range(height)]
    assert all(row[0] == 0 for row in rows), "no PNG filter"
    return width, height, [row[1:] for row in rows]


def test_qr_png_is_a_crisp_square_png():
    url = "https://ep.example.com/ep/qr/pay"
    modules = qr.qr_modules(url)
    width, height, rows = _read_png(qr.qr_png(url, size=200))
    count = len(modules) + 2 * qr.QUIET_ZONE
    assert width == height <= 200
    assert width % count == 0, "whole pixels per module"
    assert {value for row in rows for value in row} == {0, 255}
    scale = width // count
    # Each module is one square of its colour, inside a white quiet zone.
    for r, row in enumerate(modules):
        for c, dark in enumerate(row):
            y, x = (r + qr.QUIET_ZONE) * scale + scale // 2, (c + qr.QUIET_ZONE) * scale + scale // 2
            assert rows[y][x] == (0 if dark else 255)
    assert set(rows[0]) == {255}


def test_qr_png_is_the_same_for_the_same_url():
    assert qr.qr_png("https://h/ep/qr/g/a") == qr.qr_png("https://h/ep/qr/g/a")


def test_qr_modules_have_the_three_finder_patterns():
    modules = qr.qr_modules("https://h/ep/qr/l/SZ-001")
    n = len(modules)
    assert n >= 21 and (n - 17) % 4 == 0
    for top, left in ((0, 0), (0, n - 7), (n - 7, 0)):
        assert all(modules[top][left + i] and modules[top + 6][left + i] for i in range(7))
        assert modules[top + 3][left + 3] and not modules[top + 1][left + 1]


def test_qr_png_differs_by_url():
    assert qr.qr_png("https://h/ep/qr/g/a") != qr.qr_png("https://h/ep/qr/g/b")


def test_qr_png_needs_a_url():
    with pytest.raises(ValueError):
        qr.qr_png("")
    with pytest.raises(ValueError):
        qr.qr_drawing("", 100)


def test_sheet_has_one_page_per_material_with_cjk_font():
    materials = [
        {"url": "https://h/ep/qr/g/a", "lot": "阳光大厦", "kind": "快速出场临停缴费二维码", "gate": "出口1"},
        {"url": "https://h/ep/qr/l/SZ-001", "lot": "阳光大厦", "kind": "车场专用临停缴费二维码"},
        {"url": "https://h/ep/qr/pay", "lot": "阳光大厦", "kind": "车场通用临停缴费二维码", "gate": None},
    ]
    pdf = qr.qr_sheet_pdf(materials, title="阳光大厦")
    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 3
    assert b"/Count 3" in pdf
    if qr.cjk_font() == qr.CJK_FONT:
        assert b"STSong-Light" in pdf
    else:
        assert b"/FontFile2" in pdf, "the TrueType CJK font is embedded"


def test_cjk_font_falls_back_to_the_cid_font(monkeypatch, tmp_path):
    broken = tmp_path / "broken.ttf"
    broken.write_bytes(b"not a font")
    monkeypatch.setattr(qr, "CJK_FONT_PATHS", ())
    monkeypatch.setattr(qr, "EMBEDDED_CJK_FONT", "EpCJKTestBroken")
    monkeypatch.setenv(qr.CJK_FONT_ENV, str(broken))
    assert qr.cjk_font() == qr.CJK_FONT
    monkeypatch.delenv(qr.CJK_FONT_ENV)
    assert qr.cjk_font() == qr.CJK_FONT


def test_sheet_needs_materials():
    with pytest.raises(ValueError):
        qr.qr_sheet_pdf([])
