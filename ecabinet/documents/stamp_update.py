"""Watermark a stored PDF for one reader by appending an incremental update, not rewriting it.

A reader's copy is the shared stored file, byte for byte, followed by a small update (PDF 32000
7.5.6) that redefines each page: its content becomes a Form XObject (the raw, still-encoded
stream copied as is, so nothing is decoded) drawn under the reader's stamp, exactly as
:class:`~ecabinet.documents.watermark.PageStamper` does in a full rewrite. Images and fonts,
nearly all of a scan's bytes, are not touched: the update of a 47 MB, 300-page scan is about
200 KB and takes a fraction of a second, and every range before it is served straight from the
stored file's segments, so the first bytes of a copy cost nothing to make.

Any PDF reader shows the latest definition of each page, so the stamp is always drawn; like
the rewritten copy's, it can be removed by someone who edits PDFs (here by cutting the update
off), which a light watermark never prevents.

The stored PDF is trusted: it passed :mod:`ecabinet.documents.pdfcheck` before being stored.
"""

from __future__ import annotations

import io
import re
import secrets
import zlib
from collections.abc import Sequence
from typing import BinaryIO

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
)

from ecabinet.documents.watermark import (
    WatermarkError,
    WatermarkStyle,
    render_stamp,
    stamp_matrix,
)

__all__ = ["stamp_update"]

_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF", re.S)
_TAIL_BYTES = 2048


class _Update:
    """Objects of one incremental update: redefined (same number) or new (from ``/Size`` on)."""

    def __init__(self, size: int) -> None:
        self.next = size
        self.objects: dict[int, tuple[int, bytes]] = {}

    def add(self, obj: PdfObject, raw: bytes | None = None) -> IndirectObject:
        number, self.next = self.next, self.next + 1
        self.put(number, 0, obj, raw)
        return IndirectObject(number, 0, None)

    def put(self, number: int, generation: int, obj: PdfObject, raw: bytes | None = None
            ) -> None:
        out = io.BytesIO()
        out.write(b"%d %d obj\n" % (number, generation))
        if raw is None:
            obj.write_to_stream(out)
        else:  # a stream: the dictionary, then the bytes as they are (still encoded)
            header = DictionaryObject({k: v for k, v in obj.items() if k != "/Length"})
            header[NameObject("/Length")] = NumberObject(len(raw))
            header.write_to_stream(out)
            out.write(b"\nstream\n" + raw + b"\nendstream")
        out.write(b"\nendobj\n")
        self.objects[number] = (generation, out.getvalue())

    def stream(self, data: bytes, **entries: PdfObject) -> IndirectObject:
        header = DictionaryObject({NameObject("/" + k): v for k, v in entries.items()})
        return self.add(header, data)


def _raw(stream: StreamObject) -> bytes:
    # pypdf keeps a read stream's encoded bytes in ``_data`` and has no public accessor for
    # them; get_data() would decode (and the update re-encode) every page's content.
    return stream._data


def _relocate(obj: PdfObject, numbers: dict[int, IndirectObject]) -> PdfObject:
    """Copy an object of the stamp PDF, its references renumbered into the update."""
    if isinstance(obj, IndirectObject):
        return numbers[obj.idnum]
    if isinstance(obj, DictionaryObject):
        return DictionaryObject({k: _relocate(v, numbers) for k, v in obj.items()})
    if isinstance(obj, ArrayObject):
        return ArrayObject(_relocate(v, numbers) for v in obj)
    return obj


def _import_stamp(update: _Update, stamp_pdf: bytes) -> tuple[IndirectObject, tuple[float, float]]:
    """Add the stamp's page as one Form XObject, with its font and graphics state."""
    page = PdfReader(io.BytesIO(stamp_pdf)).pages[0]
    resources = page.raw_get("/Resources")
    found: dict[int, PdfObject] = {}
    stack: list[PdfObject] = [resources]
    while stack:  # every object the resources reach, numbered before any is written
        item = stack.pop()
        if isinstance(item, IndirectObject):
            if item.idnum in found:
                continue
            found[item.idnum] = item = item.get_object()
        if isinstance(item, DictionaryObject):
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    numbers = {}
    for idnum in found:
        numbers[idnum] = IndirectObject(update.next, 0, None)
        update.next += 1
    for idnum, obj in found.items():
        raw = _raw(obj) if isinstance(obj, StreamObject) else None
        update.put(numbers[idnum].idnum, 0, _relocate(obj, numbers), raw)
    box = page.mediabox
    size = (float(box.width), float(box.height))
    form = update.stream(
        zlib.compress(page.get_contents().get_data()), Type=NameObject("/XObject"),
        Subtype=NameObject("/Form"), Filter=NameObject("/FlateDecode"),
        BBox=ArrayObject(FloatObject(v) for v in (0, 0, *size)),
        Resources=_relocate(resources, numbers))
    return form, size


def _unique(names: DictionaryObject, stem: str) -> str:
    name, suffix = stem, 0
    while name in names:
        suffix += 1
        name = f"{stem}{suffix}"
    return name


def _content_form(update: _Update, page, resources: PdfObject | None) -> IndirectObject | None:
    """The page's own content as a Form XObject, so that an unbalanced ``Q`` stays inside."""
    contents = page.raw_get("/Contents") if "/Contents" in page else None
    if contents is None:
        return None
    target = contents.get_object()
    box = page.mediabox
    entries = {"Type": NameObject("/XObject"), "Subtype": NameObject("/Form"),
               "BBox": ArrayObject(FloatObject(v) for v in (box.left, box.bottom, box.right,
                                                            box.top))}
    if resources is not None:
        entries["Resources"] = resources
    if isinstance(target, ArrayObject):  # several streams: joined, as they are drawn
        data = b"\n".join(part.get_object().get_data() for part in target)
        return update.stream(zlib.compress(data), Filter=NameObject("/FlateDecode"), **entries)
    for key in ("/Filter", "/DecodeParms"):
        if key in target:
            entries[key[1:]] = target.raw_get(key)
    return update.stream(_raw(target), **entries)


def _start_of_last_xref(base: BinaryIO, size: int) -> int:
    base.seek(max(0, size - _TAIL_BYTES))
    matches = list(_STARTXREF.finditer(base.read()))
    if not matches:
        raise WatermarkError("the stored PDF has no startxref at its end")
    return int(matches[-1].group(1))


def _uses_xref_stream(base: BinaryIO, offset: int) -> bool:
    base.seek(offset)
    return not base.read(4).startswith(b"xref")


def _runs(numbers: Sequence[int]) -> list[tuple[int, int]]:
    """Contiguous runs (first, count) of sorted object numbers, for the xref subsections."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and runs[-1][0] + runs[-1][1] == number:
            runs[-1][1] += 1
        else:
            runs.append([number, 1])
    return [(first, count) for first, count in runs]


def _serialise(update: _Update, reader: PdfReader, base_size: int, prev: int,
               xref_stream: bool) -> bytes:
    """The objects, then a cross-reference section of the base's kind, then the trailer."""
    out = bytearray(b"\n")
    offsets = {}
    for number in sorted(update.objects):
        offsets[number] = base_size + len(out)
        out += update.objects[number][1]
    trailer = DictionaryObject({NameObject("/Root"): reader.trailer.raw_get("/Root"),
                                NameObject("/Prev"): NumberObject(prev)})
    if "/Info" in reader.trailer:
        trailer[NameObject("/Info")] = reader.trailer.raw_get("/Info")
    first_id = reader.trailer.get("/ID", [ByteStringObject(secrets.token_bytes(16))])[0]
    trailer[NameObject("/ID")] = ArrayObject([first_id,
                                              ByteStringObject(secrets.token_bytes(16))])
    start = base_size + len(out)
    if xref_stream:
        number = update.next
        offsets[number] = start
        numbers = sorted(offsets)
        rows = b"".join(b"\x01" + offsets[n].to_bytes(8, "big") +
                        update.objects.get(n, (0, b""))[0].to_bytes(2, "big") for n in numbers)
        trailer.update({
            NameObject("/Type"): NameObject("/XRef"),
            NameObject("/Size"): NumberObject(number + 1),
            NameObject("/W"): ArrayObject(NumberObject(w) for w in (1, 8, 2)),
            NameObject("/Index"): ArrayObject(NumberObject(v) for run in _runs(numbers)
                                              for v in run),
            NameObject("/Filter"): NameObject("/FlateDecode"),
        })
        body = io.BytesIO()
        header = DictionaryObject(trailer)
        header[NameObject("/Length")] = NumberObject(len(data := zlib.compress(rows)))
        body.write(b"%d 0 obj\n" % number)
        header.write_to_stream(body)
        body.write(b"\nstream\n" + data + b"\nendstream\nendobj\n")
        out += body.getvalue()
    else:
        numbers = sorted(offsets)
        out += b"xref\n"
        for first, count in _runs(numbers):
            out += b"%d %d\n" % (first, count)
            for n in range(first, first + count):
                out += b"%010d %05d n \n" % (offsets[n], update.objects[n][0])
        trailer[NameObject("/Size")] = NumberObject(update.next)
        body = io.BytesIO()
        trailer.write_to_stream(body)
        out += b"trailer\n" + body.getvalue() + b"\n"
    out += b"startxref\n%d\n%%%%EOF\n" % start
    return bytes(out)


def stamp_update(base: BinaryIO, base_size: int, text_lines: Sequence[str], *,
                 style: WatermarkStyle | None = None) -> bytes:
    """Return the bytes to append to ``base`` (a stored PDF) so every page shows the stamp.

    ``base`` is a seekable binary file (a :class:`~ecabinet.documents.storage.StoredFile`
    reads only the segments pypdf asks for: the cross-reference, the page tree, the pages'
    content streams).

    :raises WatermarkFontError: when the font cannot be loaded.
    :raises WatermarkError: when the stored PDF cannot take an update (encrypted, no xref).
    """
    style = style or WatermarkStyle()
    stamp_pdf = render_stamp(text_lines, style)
    reader = PdfReader(base)
    if reader.is_encrypted:
        raise WatermarkError("an encrypted PDF cannot take an update")
    prev = _start_of_last_xref(base, base_size)
    xref_stream = _uses_xref_stream(base, prev)
    update = _Update(int(reader.trailer["/Size"]))
    stamp, stamp_size = _import_stamp(update, stamp_pdf)
    draws: dict[tuple[object, ...], IndirectObject] = {}
    for page in reader.pages:
        old_resources = page.raw_get("/Resources") if "/Resources" in page else None
        resources = DictionaryObject(page.get("/Resources") or {})
        xobjects = DictionaryObject(resources.get("/XObject") or {})
        form = _content_form(update, page, old_resources)
        own = _unique(xobjects, "/EcPg") if form is not None else ""
        if form is not None:
            xobjects[NameObject(own)] = form
        mark = _unique(xobjects, "/EcWm")
        xobjects[NameObject(mark)] = stamp
        resources[NameObject("/XObject")] = xobjects
        box = page.cropbox
        geometry = (own, mark, page.rotation % 360, float(box.left), float(box.bottom),
                    float(box.right), float(box.top))
        draw = draws.get(geometry)
        if draw is None:
            matrix = stamp_matrix(stamp_size, style.span, geometry[2], geometry[3:])
            ops = " ".join(f"{v:.4f}" for v in matrix)
            inner = f"q {own} Do Q " if own else ""
            draw = update.stream(f"{inner}q {ops} cm {mark} Do Q\n".encode("ascii"))
            draws[geometry] = draw
        new_page = DictionaryObject({k: page.raw_get(k) for k in page})
        new_page[NameObject("/Resources")] = resources
        new_page[NameObject("/Contents")] = draw
        ref = page.indirect_reference
        update.put(ref.idnum, ref.generation, new_page)
    base.seek(0)
    if base.read(8)[5:8] < b"1.4":  # the stamp's transparency needs 1.4: say so in the catalog
        catalog = DictionaryObject(reader.trailer["/Root"])
        catalog[NameObject("/Version")] = NameObject("/1.4")
        root = reader.trailer.raw_get("/Root")
        update.put(root.idnum, root.generation, catalog)
    return _serialise(update, reader, base_size, prev, xref_stream)
