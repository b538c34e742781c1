"""Build a delegate's meeting packet: every document in agenda order, watermarked, bookmarked.

One PDF per delegate is what gets downloaded before a meeting and read offline, so it has to be
made on demand and quickly (300 pages in well under a quarter of a second). Pages are copied
with pypdf and stamped through :class:`~ecabinet.documents.watermark.PageStamper`, which never
parses page content.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from pypdf import PdfReader, PdfWriter

from ecabinet.documents.watermark import (
    PageStamper,
    WatermarkError,
    WatermarkStyle,
    render_stamp,
    write_pdf,
)

__all__ = ["AgendaEntry", "EmptyPacketError", "PacketDocument", "build_packet"]


class EmptyPacketError(WatermarkError):
    """The agenda holds no document with a page, so there is nothing to download."""

    code = "packet_empty"


@dataclass(frozen=True)
class PacketDocument:
    """One stored document of an agenda item."""

    title: str
    """Bookmark text, e.g. "Tờ trình số 12/TTr-SKHĐT"."""
    pdf: bytes | str | os.PathLike[str] = field(repr=False)
    """The stored (already validated) PDF, as bytes or a path."""


@dataclass(frozen=True)
class AgendaEntry:
    """One agenda item with its documents, in the order they are discussed."""

    title: str
    """Bookmark text, e.g. "1. Báo cáo kinh tế - xã hội quý III"."""
    documents: Sequence[PacketDocument] = ()
    """Documents of the item, in reading order."""


def build_packet(items: Sequence[AgendaEntry], watermark_lines: Sequence[str], *,
                 style: WatermarkStyle | None = None) -> bytes:
    """Merge the documents in agenda order, stamp every page, bookmark each item and document.

    An item without documents gets a bookmark with no target, so the outline still shows the
    whole agenda.

    :raises EmptyPacketError: when no document has a page.
    :raises WatermarkFontError: when the font cannot be loaded.
    """
    style = style or WatermarkStyle()
    writer = PdfWriter()
    stamper = PageStamper(writer, render_stamp(watermark_lines, style), style)
    outline: list[tuple[str, int | None, list[tuple[str, int]]]] = []
    for item in items:
        first_page: int | None = None
        children: list[tuple[str, int]] = []
        for document in item.documents:
            start = len(writer.pages)
            source = document.pdf
            reader = PdfReader(io.BytesIO(source) if isinstance(source, bytes) else source)
            for page in reader.pages:
                stamper.stamp(writer.add_page(page))
            if len(writer.pages) > start:
                children.append((document.title, start))
                first_page = start if first_page is None else first_page
        outline.append((item.title, first_page, children))
    if not writer.pages:
        raise EmptyPacketError("no document of the agenda has a page")
    for title, first_page, children in outline:
        parent = writer.add_outline_item(title=title, page_number=first_page)
        for child_title, page in children:
            writer.add_outline_item(title=child_title, page_number=page, parent=parent)
    writer.page_mode = "/UseOutlines"
    return write_pdf(writer)
