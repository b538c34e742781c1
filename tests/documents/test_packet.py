"""Meeting packets: agenda order, nested bookmarks on the right pages, a stamp on each page.

The build itself, without HTTP; its queueing, caching and routes are in test_packet_jobs.py.
"""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader, PdfWriter

from ecabinet.documents.packet import (
    AgendaEntry,
    EmptyPacketError,
    PacketDocument,
    build_packet,
)

pytestmark = pytest.mark.dbless  # never touches the database: the SQLite pass only

LINE = "Trần Thị Bình · daibieu02 · 01/12/2026 08:00"


@pytest.fixture
def agenda(text_pdf, tmp_path):
    plan = tmp_path / "ke-hoach.pdf"
    plan.write_bytes(text_pdf(4, "Ke hoach"))
    return [
        AgendaEntry("1. Báo cáo kinh tế - xã hội quý III", [
            PacketDocument("Tờ trình số 12/TTr-SKHĐT", text_pdf(3, "To trinh")),
            PacketDocument("Dự thảo Quyết định", text_pdf(2, "Du thao")),
        ]),
        AgendaEntry("2. Ý kiến đại biểu", []),
        AgendaEntry("3. Kế hoạch đầu tư công năm 2027", [PacketDocument("Kế hoạch", plan)]),
    ]


def _outline(reader: PdfReader, items) -> list:
    """Flatten pypdf's nested outline into (depth, title, page index or None)."""
    flat = []
    for item in items:
        if isinstance(item, list):
            flat.extend((depth + 1, title, page) for depth, title, page in _outline(reader, item))
        else:
            page = reader.get_destination_page_number(item) if "/Page" in item else None
            flat.append((0, item.title, page))
    return flat


def test_build_packet_bookmarks_items_and_documents(agenda, qpdf_check):
    packet = build_packet(agenda, [LINE])
    qpdf_check(packet)
    reader = PdfReader(io.BytesIO(packet))
    assert len(reader.pages) == 9
    assert _outline(reader, reader.outline) == [
        (0, "1. Báo cáo kinh tế - xã hội quý III", 0),
        (1, "Tờ trình số 12/TTr-SKHĐT", 0),
        (1, "Dự thảo Quyết định", 3),
        (0, "3. Kế hoạch đầu tư công năm 2027", 5),
        (1, "Kế hoạch", 5),
    ]
    assert reader.page_mode == "/UseOutlines"


def test_build_packet_pages_in_agenda_order_each_stamped(agenda, pdftotext):
    packet = build_packet(agenda, [LINE])
    expected = [f"To trinh - page {n}" for n in (1, 2, 3)] + \
        [f"Du thao - page {n}" for n in (1, 2)] + [f"Ke hoach - page {n}" for n in (1, 2, 3, 4)]
    for number, heading in enumerate(expected, start=1):
        text = pdftotext(packet, "-raw", "-f", str(number), "-l", str(number))
        assert heading in text
        assert "TrầnThịBình·daibieu02" in "".join(text.split())


def test_build_packet_without_pages_raises(text_pdf):
    with pytest.raises(EmptyPacketError) as caught:
        build_packet([AgendaEntry("1. Khai mạc")], [LINE])
    assert caught.value.code == "packet_empty"


def test_build_packet_leaves_out_an_item_without_documents(agenda):
    """A bookmark with no target leads nowhere: the item without documents gets none."""
    reader = PdfReader(io.BytesIO(build_packet(agenda, [LINE])))
    titles = [title for _depth, title, _page in _outline(reader, reader.outline)]
    assert "2. Ý kiến đại biểu" not in titles
    assert all(page is not None for _depth, _title, page in _outline(reader, reader.outline))


def _with_outline(pdf: bytes) -> bytes:
    """The document with its own outline: two chapters, the second with a section."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.add_outline_item(title="Chương I. Quy định chung", page_number=0)
    chapter = writer.add_outline_item(title="Chương II. Nội dung", page_number=1)
    writer.add_outline_item(title="Điều 5. Vốn đầu tư", page_number=2, parent=chapter)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_build_packet_nests_a_documents_own_outline_with_pages_shifted(text_pdf, qpdf_check):
    items = [
        AgendaEntry("1. Khai mạc", [PacketDocument("Chương trình", text_pdf(2, "Chuong trinh"))]),
        AgendaEntry("2. Đầu tư công", [
            PacketDocument("Dự thảo Nghị quyết", _with_outline(text_pdf(3, "Nghi quyet")))]),
    ]
    packet = build_packet(items, [LINE])
    qpdf_check(packet)
    reader = PdfReader(io.BytesIO(packet))
    assert _outline(reader, reader.outline) == [
        (0, "1. Khai mạc", 0),
        (1, "Chương trình", 0),
        (0, "2. Đầu tư công", 2),
        (1, "Dự thảo Nghị quyết", 2),
        (2, "Chương I. Quy định chung", 2),
        (2, "Chương II. Nội dung", 3),
        (3, "Điều 5. Vốn đầu tư", 4),
    ]
    assert "Nghi quyet - page 3" in reader.pages[4].extract_text()


def test_build_packet_reports_progress_per_document(agenda):
    seen: list[int] = []
    build_packet(agenda, [LINE], progress=seen.append)
    assert seen == [3, 5, 9]
