"""The reader's stamp as an update appended to the stored file: every page, any xref kind."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from ecabinet.documents.stamp_update import UpdatePlan, plan_update, stamp_update
from tests.documents.test_watermark import LINE, _dark_pixels_in_the_middle, _squeezed

pytestmark = pytest.mark.dbless  # never touches the database: the SQLite pass only


def _stamped(base: bytes, line: str = LINE) -> bytes:
    return base + stamp_update(io.BytesIO(base), len(base), [line])


def _linearized(data: bytes, *, object_streams: bool) -> bytes:
    import pikepdf

    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        mode = pikepdf.ObjectStreamMode.generate if object_streams else \
            pikepdf.ObjectStreamMode.disable
        pdf.save(out, linearize=True, object_stream_mode=mode)
    return out.getvalue()


@pytest.mark.parametrize("kind", ["classic", "linearized", "xref_streams"])
def test_update_stamps_every_page_and_keeps_the_base(text_pdf, pdftotext, qpdf_check, kind):
    base = text_pdf(4, "Báo cáo")
    if kind != "classic":
        base = _linearized(base, object_streams=kind == "xref_streams")
    out = _stamped(base)
    assert out.startswith(base)
    qpdf_check(out)
    assert len(PdfReader(io.BytesIO(out)).pages) == 4
    for number in range(1, 5):
        text = pdftotext(out, "-raw", "-f", str(number), "-l", str(number))
        assert _squeezed(LINE) in _squeezed(text), text
        assert f"page {number}" in text  # the page's own text is still there


def test_update_stamps_inherited_resources_and_rotated_pages(parts, pdftotext, qpdf_check):
    """Resources and /Rotate on the page tree node, not the page: the update must see them."""
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    base = parts.assemble({
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 /Rotate 90 /MediaBox [0 0 595 842] "
           b"/Resources << /Font << /F1 5 0 R >> >> >>",
        3: b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>",
        4: parts.stream(b"BT /F1 24 Tf 72 700 Td (Inherited) Tj ET"),
        5: font,
    })
    out = _stamped(base)
    qpdf_check(out)
    text = pdftotext(out, "-raw")
    assert "Inherited" in text and _squeezed(LINE) in _squeezed(text)
    assert PdfReader(io.BytesIO(out)).pages[0].rotation == 90


def test_update_stamp_survives_a_zero_size_clip_at_the_end(parts, tmp_path):
    # as for the rewritten copy: an extra Q must not clip the stamp away
    hostile = parts.one_page(more={4: parts.stream(b"q Q Q 0 0 0 0 re W n")})
    assert _dark_pixels_in_the_middle(_stamped(hostile), tmp_path) > 20


def test_plan_round_trips_and_gives_each_reader_their_own_stamp(text_pdf, pdftotext):
    base = text_pdf(2)
    plan = plan_update(io.BytesIO(base), len(base))
    again = UpdatePlan.from_bytes(plan.to_bytes())
    assert again == plan
    first = base + stamp_update(again, len(base), ["Nguyễn Văn An · daibieu01"])
    second = base + stamp_update(again, len(base), ["Trần Thị Bình · daibieu02"])
    assert "daibieu01" in _squeezed(pdftotext(first, "-raw"))
    assert "daibieu01" not in _squeezed(pdftotext(second, "-raw"))
    assert "daibieu02" in _squeezed(pdftotext(second, "-raw"))
    with pytest.raises(ValueError):
        UpdatePlan.from_bytes(plan.to_bytes()[:-10])
