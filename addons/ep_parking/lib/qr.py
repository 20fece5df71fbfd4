"""QR materials of a lot (seed 000 §2.1.3 物料下载): what each code encodes, how its file is
named, and the PNG / printable PDF that carry it. Uses reportlab, no odoo import.

Four kinds of material:

- ``exit``: fast exit payment, one per exit gate (``<base>/ep/qr/g/<gate token>``);
- ``lot``: the lot's own payment code (``<base>/ep/qr/l/<lot code>``);
- ``generic``: the payment code common to every lot (``<base>/ep/qr/pay``);
- ``entry``: unplated entry, one per entry gate (``<base>/ep/qr/g/<gate token>``).
"""
import io
import logging
import os
import re
import struct
import zlib
from urllib.parse import quote

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode import createBarcodeDrawing, qrencoder
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen import canvas

_logger = logging.getLogger(__name__)

EXIT = "exit"
LOT = "lot"
GENERIC = "generic"
ENTRY = "entry"
KINDS = (EXIT, LOT, GENERIC, ENTRY)
# Gate kinds and the direction of the gates that carry them.
GATE_DIRECTIONS = {EXIT: "out", ENTRY: "in"}

PNG_SIZE = 600
QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks
ERROR_LEVEL = "M"  # 15% of the code may be dirty or torn and still scan
# Chinese captions: a TrueType CJK font found on the server is embedded (the sheet then prints the
# same everywhere); else reportlab's STSong-Light CID font, which the PDF viewer supplies.
CJK_FONT_ENV = "EP_CJK_FONT"
CJK_FONT_PATHS = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",  # Debian fonts-wqy-zenhei
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # Debian fonts-wqy-microhei
    "/usr/share/fonts/truetype/arphic/uming.ttc",  # Debian fonts-arphic-uming
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",  # Debian fonts-droid-fallback
)
EMBEDDED_CJK_FONT = "EpCJK"
CJK_FONT = "STSong-Light"
LATIN_FONT = "Helvetica"
# Characters that file systems or browsers do not take in a file name.
UNSAFE_FILENAME_RE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def is_gate_kind(kind):
    return kind in GATE_DIRECTIONS


def _check_kind(kind):
    if kind not in KINDS:
        raise ValueError("unknown QR kind %r: one of %s" % (kind, ", ".join(KINDS)))


def material_url(base, kind, key=None):
    """The URL a material encodes. ``key`` is the gate's QR token (gate kinds) or the lot code."""
    _check_kind(kind)
    base = (base or "").strip().rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise ValueError("the base URL must start with http:// or https://, not %r" % base)
    if kind == GENERIC:
        return "%s/ep/qr/pay" % base
    if not key:
        raise ValueError("a %s QR code needs a key" % kind)
    path = "g" if is_gate_kind(kind) else "l"
    return "%s/ep/qr/%s/%s" % (base, path, quote(str(key), safe=""))


def _clean(part):
    return " ".join(UNSAFE_FILENAME_RE.sub(" ", str(part or "")).split())


def material_filename(lot_name, kind_label, gate_name=None, ext="png"):
    """``<lot>-<kind>-<gate>.<ext>`` as the manual names the pictures (xx车场-xxx二维码-xx道口);
    the gate part is left out for lot and generic codes."""
    parts = [_clean(lot_name), _clean(kind_label)]
    if gate_name:
        parts.append(_clean(gate_name))
    stem = "-".join(part for part in parts if part) or "qr"
    return "%s.%s" % (stem, ext) if ext else stem


def qr_drawing(url, size):
    """A reportlab drawing of the QR code of ``url``, ``size`` points square (vector, for PDFs)."""
    if not url:
        raise ValueError("nothing to encode")
    return createBarcodeDrawing("QR", value=url, width=size, height=size, barLevel=ERROR_LEVEL,
                                barBorder=QUIET_ZONE)


def qr_modules(url):
    """The QR code of ``url`` as rows of booleans (True = dark module), without quiet zone."""
    if not url:
        raise ValueError("nothing to encode")
    code = qrencoder.QRCode(None, getattr(qrencoder.QRErrorCorrectLevel, ERROR_LEVEL))
    code.addData(url)
    code.make()
    return [[bool(module) for module in row] for row in code.modules]


def _png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def qr_png(url, size=PNG_SIZE):
    """PNG bytes of the QR code of ``url``: black and white, whole pixels per module (crisp when
    printed), at most ``size`` pixels square, same bytes for the same URL."""
    modules = qr_modules(url)
    count = len(modules) + 2 * QUIET_ZONE
    scale = max(1, size // count)
    white = [False] * QUIET_ZONE
    rows = []
    for row in [[False] * len(modules)] * QUIET_ZONE + modules + [[False] * len(modules)] * QUIET_ZONE:
        line = b"\x00" + b"".join(b"\x00" * scale if dark else b"\xff" * scale for dark in white + row + white)
        rows.extend([line] * scale)
    side = count * scale
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)  # 8-bit greyscale, no interlace
    return b"".join((b"\x89PNG\r\n\x1a\n", _png_chunk(b"IHDR", header),
                     _png_chunk(b"IDAT", zlib.compress(b"".join(rows), 9)), _png_chunk(b"IEND", b"")))


def _find_cjk_font_file():
    for path in (os.environ.get(CJK_FONT_ENV),) + CJK_FONT_PATHS:
        if path and os.path.isfile(path):
            return path
    return None


def cjk_font():
    """Name of the registered font for the captions (see CJK_FONT_PATHS)."""
    registered = pdfmetrics.getRegisteredFontNames()
    if EMBEDDED_CJK_FONT in registered:
        return EMBEDDED_CJK_FONT
    path = _find_cjk_font_file()
    if path:
        try:
            pdfmetrics.registerFont(TTFont(EMBEDDED_CJK_FONT, path, subfontIndex=0))
            return EMBEDDED_CJK_FONT
        except (TTFError, OSError) as error:  # e.g. a CFF-only font: the CID font still works
            _logger.warning("cannot embed %s for Chinese captions (%s); using %s", path, error, CJK_FONT)
    if CJK_FONT not in registered:
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    return CJK_FONT


def _fit(pdf, text, font, size, width, minimum=8):
    """The largest font size up to ``size`` at which ``text`` fits ``width``."""
    while size > minimum and pdf.stringWidth(text, font, size) > width:
        size -= 1
    return size


def qr_sheet_pdf(materials, title=None):
    """A printable PDF with one A4 page per material.

    ``materials``: iterable of mappings with ``url``, ``lot`` (lot name), ``kind`` (kind label)
    and optionally ``gate`` (gate name); the captions may be Chinese.
    """
    materials = list(materials)
    if not materials:
        raise ValueError("no material to print")
    font = cjk_font()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    if title:
        pdf.setTitle(title)
    width, height = A4
    margin = 50
    text_width = width - 2 * margin
    qr_size = 360
    for material in materials:
        y = height - 90
        for text, size in ((material.get("lot"), 26), (material.get("kind"), 20), (material.get("gate"), 16)):
            if not text:
                continue
            size = _fit(pdf, text, font, size, text_width)
            pdf.setFont(font, size)
            pdf.drawCentredString(width / 2, y, text)
            y -= size + 16
        renderPDF.draw(qr_drawing(material["url"], qr_size), pdf, (width - qr_size) / 2, y - qr_size - 20)
        url_size = _fit(pdf, material["url"], LATIN_FONT, 10, text_width, minimum=5)
        pdf.setFont(LATIN_FONT, url_size)
        pdf.drawCentredString(width / 2, y - qr_size - 45, material["url"])
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()
