"""Append objects to a PDF as an incremental update (PDF 32000 7.5.6), written by hand.

pypdf's ``PdfWriter(..., incremental=True)`` clones every object of the file and hashes each
one to find what changed: for a 300-page reader's copy that is most of an export's time. The
annotations touch only their pages, so this writer reads only those (``PdfReader`` is lazy)
and writes the new objects, the redefined pages and one cross-reference section after the
file's last one, as a table or a stream like the section it follows.
"""

from __future__ import annotations

import io
import re
import secrets
import zlib

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
)

_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF", re.S)


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
        """The file followed by the update."""
        tail = self.pdf[-2048:]
        found = list(_STARTXREF.finditer(tail))
        if not found:
            raise ValueError("the PDF has no startxref at its end")
        prev = int(found[-1].group(1))
        stream_xref = not self.pdf[prev:prev + 4].startswith(b"xref")
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
        trailer = DictionaryObject({
            NameObject("/Root"): self.reader.trailer.raw_get("/Root"),
            NameObject("/Prev"): NumberObject(prev),
        })
        if "/Info" in self.reader.trailer:
            trailer[NameObject("/Info")] = self.reader.trailer.raw_get("/Info")
        first_id = self.reader.trailer.get("/ID")
        if first_id:
            trailer[NameObject("/ID")] = ArrayObject(
                [first_id[0], ByteStringObject(secrets.token_bytes(16))])
        start = out.tell()
        if stream_xref:
            _xref_stream(out, trailer, offsets, self.next, start)
        else:
            _xref_table(out, trailer, offsets, self.next)
        out.write(b"startxref\n%d\n%%%%EOF\n" % start)
        return out.getvalue()


def _runs(numbers: list[int]) -> list[tuple[int, int]]:
    runs: list[list[int]] = []
    for number in numbers:
        if runs and runs[-1][0] + runs[-1][1] == number:
            runs[-1][1] += 1
        else:
            runs.append([number, 1])
    return [(first, count) for first, count in runs]


def _xref_table(out, trailer, offsets, size: int) -> None:
    out.write(b"xref\n")
    for first, count in _runs(sorted(offsets)):
        out.write(b"%d %d\n" % (first, count))
        for number in range(first, first + count):
            generation, offset = offsets[number]
            out.write(b"%010d %05d n \n" % (offset, generation))
    trailer[NameObject("/Size")] = NumberObject(size)
    out.write(b"trailer\n")
    trailer.write_to_stream(out)
    out.write(b"\n")


def _xref_stream(out, trailer, offsets, number: int, start: int) -> None:
    offsets = {**offsets, number: (0, start)}
    numbers = sorted(offsets)
    rows = b"".join(b"\x01" + offsets[n][1].to_bytes(8, "big") + offsets[n][0].to_bytes(2, "big")
                    for n in numbers)
    data = zlib.compress(rows)
    trailer.update({
        NameObject("/Type"): NameObject("/XRef"),
        NameObject("/Size"): NumberObject(number + 1),
        NameObject("/W"): ArrayObject(NumberObject(w) for w in (1, 8, 2)),
        NameObject("/Index"): ArrayObject(NumberObject(v) for run in _runs(numbers)
                                          for v in run),
        NameObject("/Filter"): NameObject("/FlateDecode"),
        NameObject("/Length"): NumberObject(len(data)),
    })
    out.write(b"%d 0 obj\n" % number)
    trailer.write_to_stream(out)
    out.write(b"\nstream\n" + data + b"\nendstream\nendobj\n")
