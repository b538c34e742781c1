"""Watermark a stored PDF for one reader by appending an incremental update, not rewriting it.

A reader's copy is the shared stored file, byte for byte, followed by a small update (PDF 32000
7.5.6) that redefines each page: its content becomes a Form XObject (the raw, still-encoded
stream copied as is, so nothing is decoded) drawn under the reader's stamp, exactly as
:class:`~ecabinet.documents.watermark.PageStamper` does in a full rewrite. Images and fonts,
nearly all of a scan's bytes, are not touched: the update of a 47 MB, 300-page scan is about
200 KB and takes a fraction of a second, and every range before it is served straight from the
stored file's segments, so the first bytes of a copy cost nothing to make.

The work is split in two. :func:`plan_update` parses the stored file once per version and
writes every object that is the same for all readers (pages, content forms); the plan is
cached. :func:`stamp_update` then only renders the reader's stamp and adds the objects that
hold it (the stamp form, its font, one drawing stream per page geometry) and the
cross-reference section: tens of milliseconds, whatever the number of pages.

Any PDF reader shows the latest definition of each page, so the stamp is always drawn; like
the rewritten copy's, it can be removed by someone who edits PDFs (here by cutting the update
off), which a light watermark never prevents.

The stored PDF is trusted: it passed :mod:`ecabinet.documents.pdfcheck` before being stored.
"""

from __future__ import annotations

import io
import json
import secrets
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
)

from ecabinet.documents import increment
from ecabinet.documents.watermark import (
    WatermarkError,
    WatermarkStyle,
    render_stamp,
    stamp_matrix,
)

__all__ = ["UpdatePlan", "plan_update", "stamp_update"]


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

    def reserve(self) -> IndirectObject:
        """A number for an object written later (by :func:`stamp_update`, per reader)."""
        number, self.next = self.next, self.next + 1
        return IndirectObject(number, 0, None)


def _stream_header(**entries: PdfObject) -> DictionaryObject:
    return DictionaryObject({NameObject("/" + k): v for k, v in entries.items()})


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


def _import_stamp(update: _Update, stamp_pdf: bytes, form: int) -> tuple[float, float]:
    """Write the stamp's page as Form XObject ``form``, with its font and graphics state."""
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
    numbers = {idnum: update.reserve() for idnum in found}
    for idnum, obj in found.items():
        raw = _raw(obj) if isinstance(obj, StreamObject) else None
        update.put(numbers[idnum].idnum, 0, _relocate(obj, numbers), raw)
    box = page.mediabox
    size = (float(box.width), float(box.height))
    update.put(form, 0, _stream_header(
        Type=NameObject("/XObject"), Subtype=NameObject("/Form"),
        Filter=NameObject("/FlateDecode"), BBox=ArrayObject(FloatObject(v) for v in (0, 0, *size)),
        Resources=_relocate(resources, numbers)), zlib.compress(page.get_contents().get_data()))
    return size


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
    base.seek(max(0, size - increment.TAIL_BYTES))
    try:
        return increment.last_xref(base.read())
    except increment.NoStartXref as error:
        raise WatermarkError(str(error)) from error


@dataclass(frozen=True)
class UpdatePlan:
    """What every reader's update of one stored file shares; only the stamp differs."""

    body: bytes
    """The shared objects (pages, content forms), serialised, as they follow the base."""
    objects: tuple[tuple[int, int, int], ...]
    """(number, generation, offset in ``body``) of each shared object."""
    stamp: int
    """Number of the stamp's Form XObject, which every page draws."""
    draws: tuple[tuple[int, int, str, str, float, float, float, float], ...]
    """(number, rotation, page form name, stamp name, crop box) of each drawing stream."""
    next: int
    """First free object number: the stamp's font and the xref stream go from here."""
    prev: int
    """Offset of the base's last cross-reference section (the update's /Prev)."""
    xref_stream: bool
    """Whether the base uses cross-reference streams (the update then does too)."""
    root: tuple[int, int]
    """The base's catalog (number, generation)."""
    info: tuple[int, int] | None
    """The base's document information dictionary, if any."""
    first_id: str
    """The first /ID of the base (hex): the document's identity, which updates keep."""

    def to_bytes(self) -> bytes:
        head = {"objects": self.objects, "stamp": self.stamp, "draws": self.draws,
                "next": self.next, "prev": self.prev, "xref_stream": self.xref_stream,
                "root": self.root, "info": self.info, "first_id": self.first_id,
                "body": len(self.body)}
        return json.dumps(head).encode("ascii") + b"\n" + self.body

    @classmethod
    def from_bytes(cls, data: bytes) -> UpdatePlan:
        head, _, body = data.partition(b"\n")
        fields = json.loads(head)
        if fields.pop("body") != len(body):
            raise ValueError("a cut-off update plan")
        info = fields.pop("info")
        return cls(body=body, objects=tuple(tuple(o) for o in fields.pop("objects")),
                   draws=tuple(tuple(d) for d in fields.pop("draws")),
                   root=tuple(fields.pop("root")), info=None if info is None else tuple(info),
                   **fields)


def plan_update(base: BinaryIO, base_size: int) -> UpdatePlan:
    """Parse the stored file once and write what every reader's update shares.

    ``base`` is a seekable binary file (a :class:`~ecabinet.documents.storage.StoredFile`
    reads only the segments pypdf asks for: the cross-reference, the page tree, the pages'
    content streams).

    :raises WatermarkError: when the stored PDF cannot take an update (encrypted, no xref).
    """
    reader = PdfReader(base)
    if reader.is_encrypted:
        raise WatermarkError("an encrypted PDF cannot take an update")
    prev = _start_of_last_xref(base, base_size)
    base.seek(prev)
    xref_stream = increment.is_xref_stream(base.read(4))
    update = _Update(int(reader.trailer["/Size"]))
    stamp = update.reserve()
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
        geometry = (page.rotation % 360, own, mark, float(box.left), float(box.bottom),
                    float(box.right), float(box.top))
        if geometry not in draws:
            draws[geometry] = update.reserve()
        new_page = DictionaryObject({k: page.raw_get(k) for k in page})
        new_page[NameObject("/Resources")] = resources
        new_page[NameObject("/Contents")] = draws[geometry]
        ref = page.indirect_reference
        update.put(ref.idnum, ref.generation, new_page)
    base.seek(0)
    if base.read(8)[5:8] < b"1.4":  # the stamp's transparency needs 1.4: say so in the catalog
        catalog = DictionaryObject(reader.trailer["/Root"])
        catalog[NameObject("/Version")] = NameObject("/1.4")
        root = reader.trailer.raw_get("/Root")
        update.put(root.idnum, root.generation, catalog)
    body, objects = bytearray(), []
    # Last page first: page 1 then lies next to the stamp and the cross-reference section, in
    # the last 64 KiB that a viewer reads first, and shows without one more round trip.
    for number in reversed(update.objects):
        generation, data = update.objects[number]
        objects.append((number, generation, len(body)))
        body += data
    root = reader.trailer.raw_get("/Root")
    info = reader.trailer.raw_get("/Info") if "/Info" in reader.trailer else None
    first_id = increment.first_id(reader.trailer) or secrets.token_bytes(16)
    return UpdatePlan(
        body=bytes(body), objects=tuple(objects), stamp=stamp.idnum,
        draws=tuple((ref.idnum, *geometry) for geometry, ref in draws.items()),
        next=update.next, prev=prev, xref_stream=xref_stream,
        root=(root.idnum, root.generation),
        info=None if info is None else (info.idnum, info.generation),
        first_id=first_id.hex())


def _trailer(plan: UpdatePlan) -> DictionaryObject:
    return increment.update_trailer(
        root=IndirectObject(*plan.root, None), prev=plan.prev,
        info=None if plan.info is None else IndirectObject(*plan.info, None),
        first_id=bytes.fromhex(plan.first_id))


def stamp_update(base: BinaryIO | UpdatePlan, base_size: int, text_lines: Sequence[str], *,
                 style: WatermarkStyle | None = None) -> bytes:
    """Return the bytes to append to a stored PDF of ``base_size`` bytes so every page shows
    the stamp; ``base`` is its plan (:func:`plan_update`), or the file itself.

    :raises WatermarkFontError: when the font cannot be loaded.
    :raises WatermarkError: when the stored PDF cannot take an update (encrypted, no xref).
    """
    style = style or WatermarkStyle()
    stamp_pdf = render_stamp(text_lines, style)
    plan = base if isinstance(base, UpdatePlan) else plan_update(base, base_size)
    update = _Update(plan.next)
    stamp_size = _import_stamp(update, stamp_pdf, plan.stamp)
    for number, rotation, own, mark, *box in plan.draws:
        matrix = stamp_matrix(stamp_size, style.span, rotation, tuple(box))
        ops = " ".join(f"{v:.4f}" for v in matrix)
        inner = f"q {own} Do Q " if own else ""
        update.put(number, 0, _stream_header(), f"{inner}q {ops} cm {mark} Do Q\n".encode())
    out = bytearray(b"\n")
    offsets = {number: (generation, base_size + 1 + offset)
               for number, generation, offset in plan.objects}
    out += plan.body
    for number in sorted(update.objects):
        generation, data = update.objects[number]
        offsets[number] = (generation, base_size + len(out))
        out += data
    start = base_size + len(out)
    out += increment.cross_reference(_trailer(plan), offsets, update.next, start,
                                     as_stream=plan.xref_stream)
    return bytes(out)

