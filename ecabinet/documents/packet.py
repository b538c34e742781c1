"""Build a delegate's meeting packet: every document in agenda order, watermarked, bookmarked.

One PDF per delegate is what gets downloaded before a meeting and read offline. Pages are
copied with pypdf and stamped through :class:`~ecabinet.documents.watermark.PageStamper`, which
never parses page content. The work is CPU-bound (seconds for thousands of pages), so it runs
in the worker (:mod:`ecabinet.documents.packet_tasks`), never in the web server's event loop.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

from ecabinet.documents.watermark import (
    PageStamper,
    WatermarkError,
    WatermarkStyle,
    render_stamp,
    write_pdf,
)

__all__ = ["AgendaEntry", "EmptyPacketError", "PacketDocument", "build_packet"]

MAX_DOCUMENT_BOOKMARKS = 2000
"""A document's own outline is copied up to this many entries (a hostile file has millions)."""
MAX_OUTLINE_DEPTH = 8
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


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


@dataclass
class _Mark:
    """One bookmark to write: its text, the packet's page index, the bookmarks under it."""

    title: str
    page: int
    children: list[_Mark] = field(default_factory=list)


def build_packet(items: Sequence[AgendaEntry], watermark_lines: Sequence[str], *,
                 style: WatermarkStyle | None = None,
                 progress: Callable[[int], None] | None = None) -> bytes:
    """Merge the documents in agenda order, stamp every page, bookmark each item and document.

    An item without a page gets no bookmark (it would lead nowhere); each document's own
    outline is kept under the document's bookmark, its pages shifted to where the document
    starts. ``progress`` is told the number of pages copied after each document.

    :raises EmptyPacketError: when no document has a page.
    :raises WatermarkFontError: when the font cannot be loaded.
    """
    style = style or WatermarkStyle()
    writer = PdfWriter()
    stamper = PageStamper(writer, render_stamp(watermark_lines, style), style)
    outline: list[_Mark] = []
    for item in items:
        documents: list[_Mark] = []
        for document in item.documents:
            start = len(writer.pages)
            source = document.pdf
            reader = PdfReader(io.BytesIO(source) if isinstance(source, bytes) else source)
            for page in reader.pages:
                stamper.stamp(writer.add_page(page))
            if len(writer.pages) > start:
                documents.append(_Mark(_clean(document.title), start,
                                       _document_outline(reader, start)))
            if progress is not None:
                progress(len(writer.pages))
        if documents:
            outline.append(_Mark(_clean(item.title), documents[0].page, documents))
    if not writer.pages:
        raise EmptyPacketError("no document of the agenda has a page")
    for mark in outline:
        _write_mark(writer, mark, None)
    writer.page_mode = "/UseOutlines"
    return write_pdf(writer)


def _clean(title: str) -> str:
    return _CONTROL.sub(" ", title or "").strip()[:300] or "-"


def _document_outline(reader: PdfReader, offset: int) -> list[_Mark]:
    """The document's own bookmarks, pages shifted by ``offset``; a broken outline is dropped.

    An entry without a usable target is left out and its children move up in its place.
    """
    budget = [MAX_DOCUMENT_BOOKMARKS]

    def walk(entries, depth: int) -> list[_Mark]:
        marks: list[_Mark] = []
        parent: _Mark | None = None  # the entry a following list belongs to, if it was kept
        for entry in entries:
            if budget[0] <= 0:
                break
            if isinstance(entry, list):  # children of the entry before it
                children = walk(entry, depth + 1) if depth < MAX_OUTLINE_DEPTH else []
                (parent.children if parent else marks).extend(children)
                continue
            try:
                page = reader.get_destination_page_number(entry)
            except (PyPdfError, KeyError, TypeError, ValueError, AttributeError):
                page = None
            if page is None or not 0 <= page < len(reader.pages):
                parent = None
                continue
            budget[0] -= 1
            parent = _Mark(_clean(str(entry.title or "")), offset + page)
            marks.append(parent)
        return marks

    try:
        return walk(reader.outline, 0)
    except (PyPdfError, KeyError, TypeError, ValueError, AttributeError, RecursionError):
        return []


def _write_mark(writer: PdfWriter, mark: _Mark, parent) -> None:
    node = writer.add_outline_item(title=mark.title, page_number=mark.page, parent=parent)
    for child in mark.children:
        _write_mark(writer, child, node)
