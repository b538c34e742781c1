"""Upload validation: every hostile file is refused, by the child, within the limits."""

from __future__ import annotations

import io
import re
import zlib

import pypdf
import pytest
from pypdf import PdfReader, PdfWriter

from ecabinet.documents import pdfcheck
from ecabinet.documents.pdfcheck import (
    PdfLimits,
    PdfRefusedError,
    sanitize_pdf,
    validate_pdf,
)

pytestmark = pytest.mark.dbless  # never touches the database: the SQLite pass only

LIMITS = PdfLimits()


def _zeros_deflated(megabytes: int) -> bytes:
    """A valid zlib stream of ``megabytes`` MiB of zeros, made without compressing them all.

    After a full flush each MiB compresses to the same bytes, so one block is repeated; only
    the Adler-32 trailer has to cover the whole output.
    """
    chunk = b"\0" * (1 << 20)
    compressor = zlib.compressobj(9)
    head = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.flush()
    adler = 1
    for _ in range(megabytes):
        adler = zlib.adler32(chunk, adler)
    return head + block * (megabytes - 1) + tail[:-4] + adler.to_bytes(4, "big")


def test_zeros_deflated_is_valid():
    assert zlib.decompress(_zeros_deflated(3)) == b"\0" * (3 << 20)


@pytest.fixture(scope="module")
def bomb_stream() -> bytes:
    """About 1.8 kB that inflate, through two Flate layers, to 1 GiB."""
    return zlib.compress(_zeros_deflated(1024), 9)


def _refused(data: bytes, code: str, limits: PdfLimits = LIMITS) -> pdfcheck.PdfCheckResult:
    result = validate_pdf(data, limits=limits)
    assert (result.ok, result.reason) == (False, code), result
    assert result.seconds < limits.wall_clock_seconds + 1.0
    return result


def _encrypted(pdf: bytes, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_validate_multipage_pdf_accepted_with_page_count(text_pdf, tmp_path):
    data = text_pdf(12)
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    for source in (data, path, str(path)):
        result = validate_pdf(source)
        assert (result.ok, result.reason, result.page_count) == (True, "ok", 12)
        assert result.found == result.stripped == ()


def test_validate_never_parses_in_parent(text_pdf, monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("the web process parsed an upload")

    monkeypatch.setattr(pypdf, "PdfReader", boom)
    monkeypatch.setattr(pypdf.PdfReader, "__init__", boom, raising=False)
    assert validate_pdf(text_pdf(2)).page_count == 2


def test_validate_empty_file_refused():
    _refused(b"", "empty")


def test_validate_renamed_non_pdf_refused():
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    _refused(png, "not_pdf")
    _refused(b"PK\x03\x04 a zip renamed to .pdf", "not_pdf")


def test_validate_html_with_pdf_marker_later_refused(text_pdf):
    _refused(b"<html><body>\n" + text_pdf(1) + b"</body></html>", "not_pdf")
    _refused(b" " + text_pdf(1), "not_pdf")


def test_validate_truncated_refused(text_pdf):
    data = text_pdf(3)
    _refused(data[: len(data) // 2], "malformed")
    _refused(data[:-200], "malformed")


def test_validate_repairable_xref_accepted(text_pdf):
    """pypdf rebuilds a wrong xref by scanning objects; intact objects make a usable file."""
    data = text_pdf(3)
    shifted = re.sub(rb"(\d{10}) 00000 n ",
                     lambda m: b"%010d 00000 n " % (int(m.group(1)) + 7), data)
    wrong_start = re.sub(rb"startxref\n\d+", b"startxref\n123", data)
    garbage = data[: data.rindex(b"xref")] + b"xref\ngarbage\nstartxref\n5\n%%EOF\n"
    for damaged in (shifted, wrong_start, garbage):
        assert damaged != data
        result = validate_pdf(damaged)
        assert (result.ok, result.page_count) == (True, 3), result


def test_validate_unrepairable_xref_refused(text_pdf):
    """With the xref and the object headers both damaged there is nothing left to rebuild."""
    data = text_pdf(3)
    broken = data[: data.rindex(b"xref")].replace(b" 0 obj", b" 0 xyz") + b"startxref\n9\n"
    _refused(broken, "malformed")


def test_validate_decompression_bomb_refused(parts, bomb_stream):
    data = parts.one_page(more={4: parts.stream(bomb_stream,
                                                b"/Filter [/FlateDecode /FlateDecode]")})
    assert len(data) < 3000
    result = _refused(data, "too_complex")
    assert "LimitReached" in result.detail


def test_validate_bomb_with_pypdf_caps_lifted_hits_memory_limit(parts, bomb_stream):
    # The memory limit must stop it, however slowly a loaded machine gets there.
    limits = PdfLimits(max_stream_bytes=8 * 10**9, max_decoded_bytes=10**12,
                       wall_clock_seconds=120)
    data = parts.one_page(more={4: parts.stream(bomb_stream,
                                                b"/Filter [/FlateDecode /FlateDecode]")})
    assert "MemoryError" in _refused(data, "too_complex", limits).detail


def test_validate_many_small_bombs_hit_total_budget_or_cpu_limit(parts):
    inner = _zeros_deflated(70)  # each under pypdf's per-stream cap of 75 MB
    refs = b" ".join(b"%d 0 R" % n for n in range(10, 50))
    more = {n: parts.stream(inner, b"/Filter /FlateDecode") for n in range(10, 50)}
    data = parts.one_page(more={4: b"[" + refs + b"]", **more})
    _refused(data, "too_complex", PdfLimits(max_decoded_bytes=100_000_000))
    result = _refused(data, "timeout", PdfLimits(cpu_seconds=1, max_decoded_bytes=10**12))
    assert "signal" in result.detail


def test_validate_wall_clock_limit_kills_child(text_pdf):
    result = _refused(text_pdf(2), "timeout", PdfLimits(wall_clock_seconds=0.01))
    assert result.seconds < 1.0


def test_validate_pages_cycle_refused(parts):
    cycle = parts.assemble({
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
        5: b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>",
    })
    assert "cyclic" in _refused(cycle, "malformed").detail


@pytest.mark.parametrize("nested", [b"[" * 100_000 + b"]" * 100_000,
                                    b"<< /A " * 5_000 + b">>" * 5_000])
def test_validate_deep_nesting_refused(parts, nested):
    _refused(parts.one_page(page_extra=b"/Deep " + nested), "too_complex")


def test_validate_zero_pages_refused(parts):
    empty = parts.assemble({1: b"<< /Type /Catalog /Pages 2 0 R >>",
                            2: b"<< /Type /Pages /Kids [] /Count 0 >>"})
    assert _refused(empty, "no_pages").page_count == 0


def test_validate_too_many_pages_refused(text_pdf):
    assert _refused(text_pdf(4), "too_many_pages", PdfLimits(max_pages=3)).page_count == 4


def test_validate_too_large_refused_before_child(text_pdf):
    _refused(text_pdf(1), "too_large", PdfLimits(max_bytes=100))


def test_validate_encrypted_with_password_refused(text_pdf):
    _refused(_encrypted(text_pdf(2), "secret"), "encrypted")


def test_validate_encrypted_with_empty_password_accepted(text_pdf):
    result = validate_pdf(_encrypted(text_pdf(2), ""))
    assert (result.ok, result.page_count, result.encrypted) == (True, 2, True)
    clean = sanitize_pdf(_encrypted(text_pdf(2), ""))
    assert not PdfReader(io.BytesIO(clean.pdf)).is_encrypted


def _with_attachment(pdf: bytes) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    writer.add_attachment("invoice.exe", b"MZ not really")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


ACTIVE = {
    "javascript_name_tree": (
        {"catalog_extra": b"/Names << /JavaScript << /Names [(x) 5 0 R] >> >>",
         "more": {5: b"<< /S /JavaScript /JS (app.alert(1)) >>"}},
        ("javascript",)),
    "javascript_link": (
        {"page_extra": b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 9 9]"
                       b" /A << /S /JavaScript /JS (app.alert(2)) >> >>]"},
        ("javascript",)),
    "open_action_javascript": (
        {"catalog_extra": b"/OpenAction 5 0 R",
         "more": {5: b"<< /S /JavaScript /JS 6 0 R >>", 6: b"(app.alert(3))"}},
        ("javascript", "open_action")),
    "open_action_launch": (
        {"catalog_extra": b"/OpenAction << /S /Launch /F (cmd.exe) >>"},
        ("launch", "open_action")),
    "page_additional_action": (
        {"page_extra": b"/AA << /O << /S /JavaScript /JS (app.alert(4)) >> >>"},
        ("javascript", "open_action")),
}


@pytest.mark.parametrize("name", sorted(ACTIVE))
def test_validate_active_content_refused_and_sanitize_strips_it(parts, qpdf_check, name):
    pieces, kinds = ACTIVE[name]
    data = parts.one_page(**pieces)
    assert _refused(data, "active_content").found == kinds
    clean = sanitize_pdf(data)
    assert (clean.result.ok, clean.result.stripped, clean.result.found) == (True, kinds, kinds)
    assert b"/JS" not in clean.pdf and b"/Launch" not in clean.pdf
    assert validate_pdf(clean.pdf).ok
    qpdf_check(clean.pdf)


def test_validate_embedded_file_refused_and_sanitize_strips_it(text_pdf, qpdf_check):
    data = _with_attachment(text_pdf(3))
    assert _refused(data, "active_content").found == ("embedded_file",)
    clean = sanitize_pdf(data)
    assert clean.result.stripped == ("embedded_file",)
    assert PdfReader(io.BytesIO(clean.pdf)).attachments == {}
    assert validate_pdf(clean.pdf).page_count == 3
    qpdf_check(clean.pdf)


def test_validate_goto_open_action_accepted(parts):
    assert validate_pdf(parts.one_page(catalog_extra=b"/OpenAction [3 0 R /Fit]")).ok


def test_sanitize_clean_file_returned_unchanged(text_pdf):
    data = text_pdf(2)
    clean = sanitize_pdf(data)
    assert clean.pdf == data and clean.result.stripped == ()


def test_sanitize_refused_file_raises_with_code(text_pdf):
    with pytest.raises(PdfRefusedError) as caught:
        sanitize_pdf(text_pdf(3)[:500])
    assert caught.value.code == "malformed"


def test_reason_messages_cover_every_code():
    codes = {*pdfcheck.REASON_CODES, "ok"}
    assert set(pdfcheck.REASON_MESSAGES) == codes
    assert set(pdfcheck.ACTIVE_KIND_LABELS) == {"javascript", "open_action", "launch",
                                                "embedded_file"}


def test_check_pdf_command_reports_each_file_through_the_catalogue(text_pdf, tmp_path):
    from ecabinet.cli import check_pdfs as check_pdf_command

    good, bad = tmp_path / "good.pdf", tmp_path / "bad.pdf"
    good.write_bytes(text_pdf(3))
    bad.write_bytes(b"<html>%PDF-1.7</html>")
    out = io.StringIO()
    assert check_pdf_command([good, bad, tmp_path / "missing.pdf"], "vi", out=out) == 1
    lines = out.getvalue().splitlines()
    assert lines[0] == f"{good}: HỢP LỆ (3 trang)"
    assert lines[1] == f"{bad}: TỪ CHỐI [not_pdf] Tệp không phải là tài liệu PDF."
    assert lines[2].startswith(f"{tmp_path / 'missing.pdf'}: TỪ CHỐI [unreadable]")
    out = io.StringIO()
    assert check_pdf_command([good], "en", out=out) == 0
    assert out.getvalue() == f"{good}: OK (3 pages)\n"


def _is_linearized(data: bytes) -> bool:
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        return pdf.is_linearized


def test_sanitize_linearizes_with_the_same_pages_and_text(text_pdf, qpdf_check):
    data = text_pdf(4, "Báo cáo")
    clean = sanitize_pdf(data, linearize=True)
    assert clean.result.linearized and clean.pdf != data and _is_linearized(clean.pdf)
    qpdf_check(clean.pdf)
    before, after = PdfReader(io.BytesIO(data)), PdfReader(io.BytesIO(clean.pdf))
    assert [p.extract_text() for p in after.pages] == [p.extract_text() for p in before.pages]
    assert [p.mediabox for p in after.pages] == [p.mediabox for p in before.pages]
    again = sanitize_pdf(data, linearize=True)
    assert again.pdf == clean.pdf  # same upload, same bytes: still stored once


@pytest.mark.parametrize("form", [b"/AcroForm << /Fields [] /SigFlags 3 >>",
                                  b"/AcroForm << /Fields [] /SigFlags /Unreadable >>"])
def test_sanitize_keeps_a_signed_file_byte_for_byte(parts, form):
    data = parts.one_page(catalog_extra=form)
    clean = sanitize_pdf(data, linearize=True)
    assert clean.result.ok and clean.pdf == data and not clean.result.linearized


def test_sanitize_linearizes_after_stripping(parts):
    data = parts.one_page(catalog_extra=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>")
    clean = sanitize_pdf(data, linearize=True)
    assert "javascript" in clean.result.stripped
    assert clean.result.linearized and _is_linearized(clean.pdf) and b"/JS" not in clean.pdf


def test_sanitize_keeps_an_already_linearized_file(text_pdf):
    linearized = sanitize_pdf(text_pdf(2), linearize=True).pdf
    assert sanitize_pdf(linearized, linearize=True).pdf == linearized
