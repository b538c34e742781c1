"""Watermarks: readable Vietnamese on every page, one shared XObject, right on rotated pages."""

from __future__ import annotations

import io
import math
import shutil
import subprocess
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import RectangleObject

from ecabinet.documents.watermark import (
    WatermarkError,
    WatermarkFontError,
    WatermarkStyle,
    stamp_text,
    watermark_pdf,
)

pytestmark = pytest.mark.dbless  # never touches the database: the SQLite pass only

LINE = "Nguyễn Văn An · daibieu01 · 25/11/2026 14:30"


def _squeezed(text: str) -> str:
    """Diagonal text comes out of pdftotext a glyph or two per line; compare without spaces."""
    return "".join(text.split())


def test_stamp_text_shows_vietnam_time():
    when = datetime(2026, 11, 25, 7, 30, tzinfo=UTC)
    assert stamp_text("Nguyễn Văn An", "daibieu01", when) == LINE


def test_watermark_every_page_has_vietnamese_stamp(text_pdf, pdftotext, qpdf_check):
    out = watermark_pdf(text_pdf(5, "Báo cáo"), [LINE])
    qpdf_check(out)
    assert len(PdfReader(io.BytesIO(out)).pages) == 5
    for number in range(1, 6):
        text = pdftotext(out, "-raw", "-f", str(number), "-l", str(number))
        assert _squeezed(LINE) in _squeezed(text), text
        assert f"page {number}" in text  # the page's own text is still there


def test_watermark_decomposed_input_is_normalised(text_pdf, pdftotext):
    decomposed = "Nguye\u0302\u0303n Va\u0306n An"
    out = watermark_pdf(text_pdf(1), [decomposed, "daibieu01"])
    assert "NguyễnVănAn" in _squeezed(pdftotext(out, "-raw"))


def test_watermark_embeds_a_subset_font(text_pdf):
    out = watermark_pdf(text_pdf(2), [LINE])
    fonts = subprocess.run([_pdffonts(), "-"], input=out, capture_output=True, check=True,
                           timeout=60).stdout.decode()
    noto = [line.split() for line in fonts.splitlines() if "NotoSerif" in line]
    assert len(noto) == 1, fonts
    name, emb, sub, uni = noto[0][0], *noto[0][-5:-2]
    assert (emb, sub, uni) == ("yes", "yes", "yes") and name[6] == "+", fonts
    assert len(out) < len(text_pdf(2)) + 40_000  # a subset, not the 500 kB font


def test_watermark_shares_one_xobject_and_keeps_page_content(text_pdf):
    source = text_pdf(6)
    out = PdfReader(io.BytesIO(watermark_pdf(source, [LINE])))
    original = PdfReader(io.BytesIO(source))
    forms, closers = set(), set()
    for page, before in zip(out.pages, original.pages, strict=True):
        forms.add(page["/Resources"]["/XObject"].raw_get("/EcWm").idnum)
        contents = page["/Contents"]
        # the page's own content, unchanged, drawn as a form of its own between q and the stamp
        name = contents[1].get_object().get_data().split()[0].decode()
        own = page["/Resources"]["/XObject"][name]
        assert own["/Subtype"] == "/Form"
        assert own.get_data() == before["/Contents"].get_object().get_data()
        assert contents[0].get_object().get_data() == b"q\n"
        closers.add(contents[-1].idnum)
    assert len(forms) == 1 and len(closers) == 1


def _pdffonts() -> str:
    return _poppler("pdffonts")


def _poppler(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        import os

        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is not installed (Debian: poppler-utils)")
        pytest.skip(f"{name} is not installed (Debian: poppler-utils)")
    return path


def _render_gray(pdf: bytes, page: int) -> tuple[int, int, bytes]:
    """Render one page's crop box, 8-bit gray at 18 dpi, with pdftoppm: width, height, pixels."""
    done = subprocess.run([_poppler("pdftoppm"), "-gray", "-cropbox", "-r", "18", "-f", str(page),
                           "-l", str(page), "-"], input=pdf, capture_output=True, check=True,
                          timeout=60)
    magic, width, height, maxval, pixels = done.stdout.split(maxsplit=4)
    assert (magic, maxval) == (b"P5", b"255")
    return int(width), int(height), pixels


def _blank_pages(specs) -> bytes:
    writer = PdfWriter()
    for media, crop, rotation in specs:
        page = writer.add_blank_page(10, 10)
        page.mediabox = RectangleObject(media)
        if crop:
            page.cropbox = RectangleObject(crop)
        if rotation:
            page.rotate(rotation)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PAGES = [
    ((0, 0, 595, 842), None, 0),
    ((0, 0, 595, 842), None, 90),
    ((100, 50, 942, 645), None, 180),
    ((-300, -400, 295, 442), (-250, -300, 250, 300), 270),
]


def test_watermark_diagonal_as_displayed_for_rotations_and_offsets(qpdf_check):
    out = watermark_pdf(_blank_pages(PAGES), [LINE])
    qpdf_check(out)
    for number, (media, crop, rotation) in enumerate(PAGES, start=1):
        x0, y0, x1, y1 = crop or media
        shown = (x1 - x0, y1 - y0) if rotation in (0, 180) else (y1 - y0, x1 - x0)
        width, height, pixels = _render_gray(out, number)
        assert abs(width / height - shown[0] / shown[1]) < 0.05
        inked = [(i % width, i // width) for i, value in enumerate(pixels) if value < 250]
        assert len(inked) > 50
        cx = sum(x for x, _ in inked) / len(inked)
        cy = sum(y for _, y in inked) / len(inked)
        assert abs(cx / width - 0.5) < 0.06 and abs(cy / height - 0.5) < 0.06, (number, cx, cy)
        # The stamp rises from bottom-left to top-right along the page diagonal (image y
        # grows downwards, hence the minus sign).
        sxx = sum((x - cx) ** 2 for x, _ in inked)
        sxy = sum((x - cx) * (y - cy) for x, y in inked)
        slope = math.degrees(math.atan(-sxy / sxx))
        assert abs(slope - math.degrees(math.atan2(height, width))) < 6, (number, slope)


def test_watermark_missing_font_raises_font_error(text_pdf, tmp_path):
    style = WatermarkStyle(font_path=str(tmp_path / "missing.ttf"))
    with pytest.raises(WatermarkFontError) as caught:
        watermark_pdf(text_pdf(1), [LINE], style=style)
    assert caught.value.code == "watermark_font"
    (tmp_path / "bad.ttf").write_bytes(b"not a font")
    bad = WatermarkStyle(font_path=str(tmp_path / "bad.ttf"))
    with pytest.raises(WatermarkFontError):
        watermark_pdf(text_pdf(1), [LINE], style=bad)


def test_watermark_without_text_raises(text_pdf):
    with pytest.raises(WatermarkError) as caught:
        watermark_pdf(text_pdf(1), ["  ", ""])
    assert caught.value.code == "watermark_failed"


def _dark_pixels_in_the_middle(pdf: bytes, tmp_path) -> int:
    """Render page 1 in grey at 30 dpi; count the dark pixels of its central band."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        pytest.skip("pdftoppm is not installed (Debian: poppler-utils)")
    done = subprocess.run([tool, "-r", "30", "-gray", "-f", "1", "-l", "1", "-"], input=pdf,
                          capture_output=True, check=True, timeout=60)
    header, _, body = done.stdout.partition(b"255\n")
    width, height = (int(v) for v in header.split()[1:3])
    band = body[width * (height // 3): width * (2 * height // 3)]
    return sum(1 for value in band if value < 235)


def test_watermark_survives_a_zero_size_clip_at_the_end(parts, tmp_path):
    # security item 6: an extra Q pops our q, then everything after is clipped to nothing
    hostile = parts.one_page(more={4: parts.stream(b"q Q Q 0 0 0 0 re W n")})
    out = watermark_pdf(hostile, [LINE])
    assert _dark_pixels_in_the_middle(out, tmp_path) > 20  # before the fix: 0
