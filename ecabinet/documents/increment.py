"""The end of an incremental update of a PDF (PDF 32000 7.5.6): where it follows, and its
cross-reference section.

Two features append to a stored PDF instead of rewriting it: the reader's watermark
(:mod:`ecabinet.documents.stamp_update`) and the export of a reader's annotations
(:mod:`ecabinet.annotations.export`). Both write their own objects; both end the update the
same way, with a cross-reference section after the file's last one, of the same kind (a table
or a stream), whose trailer keeps the catalog, the information dictionary and the first /ID.
That part is here, once.
"""

from __future__ import annotations

import io
import re
import secrets
import zlib
from collections.abc import Mapping, Sequence

from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
)

__all__ = ["TAIL_BYTES", "NoStartXref", "cross_reference", "first_id", "is_xref_stream",
           "last_xref", "update_trailer"]

_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF", re.S)
TAIL_BYTES = 2048
"""How much of a file's end holds its last ``startxref``."""


class NoStartXref(ValueError):
    """The file does not end with ``startxref … %%EOF``: nothing can follow it."""


def last_xref(tail: bytes) -> int:
    """The offset of the last cross-reference section, read from the file's last bytes.

    :raises NoStartXref: when ``tail`` has no ``startxref``.
    """
    found = list(_STARTXREF.finditer(tail))
    if not found:
        raise NoStartXref("the PDF has no startxref at its end")
    return int(found[-1].group(1))


def is_xref_stream(section_start: bytes) -> bool:
    """Whether the section that begins with these bytes is a stream (else ``xref`` table)."""
    return not section_start.startswith(b"xref")


def first_id(trailer: DictionaryObject) -> bytes | None:
    """The first /ID of a file's trailer (the document's identity), if it has one."""
    ids = trailer.get("/ID")
    if not ids:
        return None
    value = ids[0]
    return bytes(value.original_bytes if hasattr(value, "original_bytes") else value)


def update_trailer(*, root: IndirectObject, prev: int, info: IndirectObject | None = None,
                   first_id: bytes | None = None) -> DictionaryObject:
    """The update's trailer: the same catalog and information, the document's first /ID
    kept (its identity) and a new second one (this revision)."""
    trailer = DictionaryObject({NameObject("/Root"): root, NameObject("/Prev"): NumberObject(prev)})
    if info is not None:
        trailer[NameObject("/Info")] = info
    if first_id is not None:
        trailer[NameObject("/ID")] = ArrayObject([ByteStringObject(first_id),
                                                  ByteStringObject(secrets.token_bytes(16))])
    return trailer


def cross_reference(trailer: DictionaryObject, offsets: Mapping[int, tuple[int, int]],
                    next_number: int, start: int, *, as_stream: bool) -> bytes:
    """The section for the objects at ``offsets`` ({number: (generation, offset)}), placed at
    ``start``, then ``startxref`` and ``%%EOF``.

    ``next_number`` is the first unused object number: a stream section takes it for itself.
    """
    if as_stream:
        section = _xref_stream(trailer, offsets, next_number, start)
    else:
        section = _xref_table(trailer, offsets, next_number)
    return section + b"startxref\n%d\n%%%%EOF\n" % start


def _runs(numbers: Sequence[int]) -> list[tuple[int, int]]:
    """Contiguous runs (first, count) of sorted object numbers, for the subsections."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and runs[-1][0] + runs[-1][1] == number:
            runs[-1][1] += 1
        else:
            runs.append([number, 1])
    return [(first, count) for first, count in runs]


def _xref_stream(trailer: DictionaryObject, offsets: Mapping[int, tuple[int, int]],
                 number: int, start: int) -> bytes:
    """The section as a stream object, its own entry included."""
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
    body = io.BytesIO()
    body.write(b"%d 0 obj\n" % number)
    trailer.write_to_stream(body)
    body.write(b"\nstream\n" + data + b"\nendstream\nendobj\n")
    return body.getvalue()


def _xref_table(trailer: DictionaryObject, offsets: Mapping[int, tuple[int, int]],
                size: int) -> bytes:
    out = bytearray(b"xref\n")
    for first, count in _runs(sorted(offsets)):
        out += b"%d %d\n" % (first, count)
        for n in range(first, first + count):
            out += b"%010d %05d n \n" % (offsets[n][1], offsets[n][0])
    trailer[NameObject("/Size")] = NumberObject(size)
    body = io.BytesIO()
    trailer.write_to_stream(body)
    return bytes(out) + b"trailer\n" + body.getvalue() + b"\n"
