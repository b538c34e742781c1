"""Append annotation objects to a PDF as an incremental update (PDF 32000 7.5.6).

pypdf's ``PdfWriter(..., incremental=True)`` clones every object of the file and hashes each
one to find what changed: for a 300-page reader's copy that is most of an export's time. The
annotations touch only their pages, so this writer reads only those (``PdfReader`` is lazy)
and writes the new objects and the redefined pages; the cross-reference section that ends the
update is :mod:`ecabinet.documents.increment`'s, shared with the reader's watermark.
"""

from __future__ import annotations

import io

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    PdfObject,
    StreamObject,
)

from ecabinet.documents import increment


class Increment:
    """New and redefined objects of one update to ``pdf``, then :meth:`write`."""

    def __init__(self, pdf: bytes) -> None:
        self.pdf = pdf
        self.reader = PdfReader(io.BytesIO(pdf))
        self.next = int(self.reader.trailer["/Size"])
        self.objects: dict[int, tuple[int, PdfObject]] = {}
        self._imported: dict[tuple[int, int], IndirectObject] = {}

    def add(self, obj: PdfObject) -> IndirectObject:
        """Number ``obj`` as a new object; return the reference to it."""
        ref = self.reserve()
        self.objects[ref.idnum] = (0, obj)
        return ref

    def reserve(self) -> IndirectObject:
        ref = IndirectObject(self.next, 0, self.reader)
        self.next += 1
        return ref

    def redefine(self, ref: IndirectObject, obj: PdfObject) -> None:
        """Replace object ``ref`` of the file (a page whose /Annots grew)."""
        self.objects[ref.idnum] = (ref.generation, obj)

    def import_object(self, obj: PdfObject, source: PdfReader) -> PdfObject:
        """Copy ``obj`` of another PDF (and all it refers to) into the update, once each."""
        if isinstance(obj, IndirectObject):
            key = (id(source), obj.idnum)
            if key not in self._imported:
                self._imported[key] = ref = self.reserve()
                self.objects[ref.idnum] = (0, self.import_object(obj.get_object(), source))
            return self._imported[key]
        if isinstance(obj, StreamObject):
            copy = StreamObject()
            copy._data = obj._data  # the encoded bytes as they are, with their /Filter
            copy.update({k: self.import_object(v, source) for k, v in obj.items()})
            return copy
        if isinstance(obj, DictionaryObject):
            return DictionaryObject({k: self.import_object(v, source) for k, v in obj.items()})
        if isinstance(obj, ArrayObject):
            return ArrayObject(self.import_object(v, source) for v in obj)
        return obj

    def write(self) -> bytes:
        """The file followed by the update.

        :raises ValueError: when the file has no ``startxref`` at its end.
        """
        prev = increment.last_xref(self.pdf[-increment.TAIL_BYTES:])
        as_stream = increment.is_xref_stream(self.pdf[prev:prev + 4])
        out = io.BytesIO()
        out.write(self.pdf)
        if not self.pdf.endswith(b"\n"):
            out.write(b"\n")
        offsets: dict[int, tuple[int, int]] = {}
        for number in sorted(self.objects):
            generation, obj = self.objects[number]
            offsets[number] = (generation, out.tell())
            out.write(b"%d %d obj\n" % (number, generation))
            obj.write_to_stream(out)
            out.write(b"\nendobj\n")
        trailer = self.reader.trailer
        trailer = increment.update_trailer(
            root=trailer.raw_get("/Root"), prev=prev,
            info=trailer.raw_get("/Info") if "/Info" in trailer else None,
            first_id=increment.first_id(trailer))
        out.write(increment.cross_reference(trailer, offsets, self.next, out.tell(),
                                            as_stream=as_stream))
        return out.getvalue()
