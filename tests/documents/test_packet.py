"""Meeting packets: agenda order, nested bookmarks on the right pages, a stamp on each page."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from ecabinet.documents.packet import (
    AgendaEntry,
    EmptyPacketError,
    PacketDocument,
    build_packet,
)

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
        (0, "2. Ý kiến đại biểu", None),
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
