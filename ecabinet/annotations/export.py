"""Write a reader's annotations into their copy of a document as real PDF annotations.

Highlight (with QuadPoints), FreeText, Ink and Text (a note, with its Popup), each carrying
its comment as a PDF text string (UTF-16, so Vietnamese stays intact) and the reader's name
as author. The copy is not rewritten: the annotations go in an incremental update appended
to it (:mod:`ecabinet.annotations.increment`), so a 300-page copy costs the pages touched,
and whatever the copy's own update (the watermark) holds stays as it was.

Free text carries its own appearance: a reader left to draw it from ``/DA`` uses Helvetica,
which has no "ệ" (poppler says "found character that the font can't represent" and drops
it). All free texts of one export are laid out by fpdf2 in one small PDF, one page each, with
the Vietnamese serif the watermark uses; each page becomes the Form XObject of its annotation,
so the font is embedded once, subset to the letters used.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from fpdf import FPDF
from pypdf import PdfReader
from pypdf.annotations import FreeText, Highlight, Popup, Text
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from ecabinet.annotations.increment import Increment
from ecabinet.annotations.models import Annotation, Kind
from ecabinet.documents.watermark import DEFAULT_FONT_PATH

PRINT = 4
"""Annotation flag: printed, as a reader who exports expects."""
NOTE_SIZE = 20.0


def _numbers(values: Iterable[float]) -> ArrayObject:
    return ArrayObject(FloatObject(round(v, 2)) for v in values)


def _rgb(color: str) -> ArrayObject:
    value = color.lstrip("#")
    return _numbers(int(value[i:i + 2], 16) / 255 for i in (0, 2, 4))


def _bbox(rects: list, paths: list, pad: float = 0.0) -> tuple[float, float, float, float]:
    xs = [v for r in rects for v in (r[0], r[2])] + [v for p in paths for v in p[0::2]]
    ys = [v for r in rects for v in (r[1], r[3])] + [v for p in paths for v in p[1::2]]
    if not xs:
        return (36.0, 36.0, 36.0 + NOTE_SIZE, 36.0 + NOTE_SIZE)
    return (min(xs) - pad, min(ys) - pad, max(xs) + pad, max(ys) + pad)


def _common(annotation: DictionaryObject, row: Annotation, author: str) -> DictionaryObject:
    annotation[NameObject("/T")] = TextStringObject(author)
    annotation[NameObject("/F")] = NumberObject(PRINT)
    annotation[NameObject("/NM")] = TextStringObject(row.client_id)
    annotation[NameObject("/M")] = TextStringObject(row.updated_at.strftime("D:%Y%m%d%H%M%SZ"))
    return annotation


def _highlight(row: Annotation) -> DictionaryObject:
    quads = []
    for x1, y1, x2, y2 in row.rects:
        quads += [x1, y2, x2, y2, x1, y1, x2, y1]
    annotation = Highlight(rect=_bbox(row.rects, []), quad_points=_numbers(quads),
                           highlight_color=row.color.lstrip("#"))
    annotation[NameObject("/Contents")] = TextStringObject(row.comment or row.quote)
    return annotation


FREETEXT_SIZE = 12.0


def _freetext_rect(row: Annotation) -> tuple[float, float, float, float]:
    x1, y1, x2, y2 = _bbox(row.rects, [])
    return (x1, min(y1, y2 - 2 * FREETEXT_SIZE), max(x2, x1 + 4 * FREETEXT_SIZE), y2)


def _freetext_forms(update: Increment, rows: list[Annotation]) -> dict[str, object]:
    """Each free text's appearance (a Form XObject of the update), by client id."""
    if not rows:
        return {}
    layout = FPDF(unit="pt")
    layout.add_font("serif", fname=DEFAULT_FONT_PATH)
    layout.set_auto_page_break(False)
    layout.set_margins(0, 0, 0)
    sizes = []
    for row in rows:
        x1, y1, x2, y2 = _freetext_rect(row)
        width, height = x2 - x1, y2 - y1
        sizes.append((width, height))
        layout.add_page(format=(width, height))
        layout.set_font("serif", size=FREETEXT_SIZE)
        value = row.color.lstrip("#")
        layout.set_text_color(*(int(value[i:i + 2], 16) for i in (0, 2, 4)))
        layout.set_xy(0, 0)
        layout.multi_cell(width, FREETEXT_SIZE * 1.2, row.comment or " ")
    forms = {}
    reader = PdfReader(io.BytesIO(bytes(layout.output())))
    for row, page, (width, height) in zip(rows, reader.pages, sizes, strict=True):
        form = DecodedStreamObject()
        form.set_data(page.get_contents().get_data())
        form.update({
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): _numbers((0, 0, width, height)),
            NameObject("/Resources"): update.import_object(page.raw_get("/Resources"), reader),
        })
        forms[row.client_id] = update.add(form)
    return forms


def _freetext(row: Annotation, form) -> DictionaryObject:
    annotation = FreeText(text=row.comment, rect=_freetext_rect(row),
                          font_size=f"{FREETEXT_SIZE:g}pt", font_color=row.color.lstrip("#"),
                          border_color=None, background_color=None)
    annotation[NameObject("/AP")] = DictionaryObject({NameObject("/N"): form})
    return annotation


def _ink(row: Annotation) -> DictionaryObject:
    return DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"),
        NameObject("/Subtype"): NameObject("/Ink"),
        NameObject("/Rect"): _numbers(_bbox(row.rects, row.paths, 2.0)),
        NameObject("/InkList"): ArrayObject(_numbers(path) for path in row.paths),
        NameObject("/C"): _rgb(row.color),
        NameObject("/BS"): DictionaryObject({NameObject("/W"): FloatObject(2)}),
        NameObject("/Contents"): TextStringObject(row.comment),
    })


def _note_rect(row: Annotation) -> tuple[float, float, float, float]:
    x1, _y1, _x2, y2 = _bbox(row.rects, [])
    return (x1, y2 - NOTE_SIZE, x1 + NOTE_SIZE, y2)


def export_pdf(pdf: bytes, rows: Iterable[Annotation], *, author: str) -> bytes:
    """``pdf`` with ``rows`` added as annotations of their pages (rows off the page count,
    which a document's own version cannot have, are left out)."""
    update = Increment(pdf)
    count = len(update.reader.pages)
    rows = [row for row in rows if 1 <= row.page <= count]
    forms = _freetext_forms(update, [row for row in rows if row.kind == Kind.FREETEXT])
    added: dict[int, list] = {}
    for row in rows:
        index = row.page - 1
        page_ref = update.reader.pages[index].indirect_reference
        refs = added.setdefault(index, [])
        if row.kind == Kind.HIGHLIGHT and row.rects:
            annotation = _highlight(row)
        elif row.kind == Kind.FREETEXT:
            annotation = _freetext(row, forms[row.client_id])
        elif row.kind == Kind.INK and row.paths:
            annotation = _ink(row)
        else:  # a note, or a highlight or drawing without geometry: a note at its place
            rect = _note_rect(row)
            annotation = Text(rect=rect, text=row.comment or row.quote)
            annotation[NameObject("/C")] = _rgb(row.color)
            annotation[NameObject("/Name")] = NameObject("/Comment")
            popup = Popup(rect=(rect[2], rect[1] - 100, rect[2] + 200, rect[3]))
            note_ref, popup_ref = update.reserve(), update.add(popup)
            popup[NameObject("/Parent")] = note_ref
            popup[NameObject("/P")] = page_ref
            annotation[NameObject("/Popup")] = popup_ref
            annotation[NameObject("/P")] = page_ref
            update.objects[note_ref.idnum] = (0, _common(annotation, row, author))
            refs += [note_ref, popup_ref]
            continue
        annotation[NameObject("/P")] = page_ref
        refs.append(update.add(_common(annotation, row, author)))
    for index, refs in added.items():
        page = update.reader.pages[index]
        redefined = DictionaryObject({k: page.raw_get(k) for k in page})
        existing = page.get("/Annots")
        redefined[NameObject("/Annots")] = ArrayObject(
            [*(existing.get_object() if existing is not None else []), *refs])
        update.redefine(page.indirect_reference, redefined)
    return update.write()
