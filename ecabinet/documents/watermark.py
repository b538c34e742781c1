"""Put a light diagonal watermark naming the delegate on every page of a stored PDF.

A leaked copy must say whose it was, and stamping must be cheap enough to run per delegate on
every download. So the stamp text is rendered once by fpdf2 (which embeds a *subset* of a
Vietnamese-capable TrueType font and a ToUnicode map, so ``pdftotext`` reads "Nguyễn" back),
lifted into ONE Form XObject, and each page only gets two tiny content streams around its own
(``q`` before, ``Q q <matrix> cm /EcWm Do Q`` after) that are shared by every page of the same
geometry. No page's content is parsed or rewritten, which is what makes pypdf fast here
(about 0.4 ms a page, against 2 ms for ``PageObject.merge_page``).

A ``q`` before the page's content is not enough on its own: content that ends with an extra
``Q`` pops it and then clips everything after it to nothing (``Q 0 0 0 0 re W n``), hiding
the stamp. So the page's own content becomes a Form XObject of its own, drawn with ``Do``: a
form's graphics state is restored when it ends, whatever it does inside (PDF 32000 8.10.1).
A single content stream becomes the form as is (no decoding); several are joined first.

Input PDFs are trusted: they passed :mod:`ecabinet.documents.pdfcheck` before being stored.
"""

from __future__ import annotations

import io
import math
import os
import unicodedata
from collections.abc import Sequence

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
)

from ecabinet.documents.watermark_style import (
    DEFAULT_FONT_PATH,
    WatermarkError,
    WatermarkFontError,
    WatermarkStyle,
    stamp_text,
)

__all__ = [
    "DEFAULT_FONT_PATH",
    "PageStamper",
    "WatermarkError",
    "WatermarkFontError",
    "WatermarkStyle",
    "render_stamp",
    "stamp_matrix",
    "stamp_text",
    "watermark_pdf",
]

_XOBJECT_NAME = "/EcWm"
_FONT_MAGIC = (b"\x00\x01\x00\x00", b"true", b"OTTO")
Matrix = tuple[float, float, float, float, float, float]


def render_stamp(text_lines: Sequence[str], style: WatermarkStyle | None = None) -> bytes:
    """Render the stamp as a one-page PDF whose page box fits the text exactly.

    :raises WatermarkFontError: when the font cannot be loaded.
    :raises WatermarkError: when there is no text.
    """
    from fpdf import FPDF  # 0.3 s to import; only watermarking needs it

    style = style or WatermarkStyle()
    lines = [unicodedata.normalize("NFC", line).strip() for line in text_lines]
    lines = [line for line in lines if line]
    if not lines:
        raise WatermarkError("a watermark needs at least one line of text")
    _check_font_file(style.font_path)
    pdf = FPDF(unit="pt")
    try:
        pdf.add_font("stamp", fname=style.font_path)
    except Exception as exc:  # fpdf2/fontTools raise several types for a bad font file
        raise WatermarkFontError(f"cannot load font {style.font_path}: {exc}") from exc
    pdf.set_font("stamp", size=style.font_size)
    pad = style.font_size * 0.25
    leading = style.font_size * 1.3
    width = max(pdf.get_string_width(line) for line in lines) + 2 * pad
    height = leading * len(lines) + 2 * pad
    pdf.set_margin(0)
    pdf.set_auto_page_break(False)
    pdf.add_page(format=(width, height))
    pdf.set_text_color(round(style.gray * 255))
    with pdf.local_context(fill_opacity=style.opacity):
        for number, line in enumerate(lines):
            x = (width - pdf.get_string_width(line)) / 2
            baseline = pad + leading * number + style.font_size * 1.0
            pdf.text(x, baseline, line)
    return bytes(pdf.output())


def _check_font_file(path: str) -> None:
    """Refuse a missing or non-TrueType font up front (fontTools leaks a file handle on one)."""
    try:
        with open(path, "rb") as handle:
            magic = handle.read(4)
    except OSError as exc:
        raise WatermarkFontError(f"font not readable: {path}: {exc.strerror}") from exc
    if magic not in _FONT_MAGIC:
        raise WatermarkFontError(f"not a TrueType/OpenType font: {path}")


class PageStamper:
    """Adds one shared watermark Form XObject to pages of one :class:`pypdf.PdfWriter`.

    Create it once per output document, then call :meth:`stamp` on each page *in that writer*.
    """

    def __init__(self, writer: PdfWriter, stamp_pdf: bytes, style: WatermarkStyle) -> None:
        self._writer = writer
        self._span = style.span
        self._form, self._size = self._import_form(stamp_pdf)
        self._open = self._add_stream(b"q\n")
        self._closers: dict[tuple[object, ...], IndirectObject] = {}
        self._pages = 0

    def stamp(self, page: PageObject) -> None:
        """Wrap the page's own content in q/Q and draw the stamp on top, centred and diagonal."""
        name = self._register(page)
        box = page.cropbox
        geometry = (name, page.rotation % 360, float(box.left), float(box.bottom),
                    float(box.right), float(box.top))
        closer = self._closers.get(geometry)
        if closer is None:
            matrix = self._matrix(*geometry[1:])
            ops = " ".join(f"{v:.4f}" for v in matrix)
            closer = self._add_stream(f"Q q {ops} cm {name} Do Q\n".encode("ascii"))
            self._closers[geometry] = closer
        original = self._isolate(page)
        items = [] if original is None else [self._draw_original(page, original)]
        page[NameObject("/Contents")] = ArrayObject([self._open, *items, closer])

    def _isolate(self, page: PageObject) -> str | None:
        """Turn the page's own content into a Form XObject named in its resources."""
        contents = page.get("/Contents")
        if contents is None:
            return None
        target = contents.get_object()
        if isinstance(target, ArrayObject):
            form = DecodedStreamObject()
            form.set_data(b"\n".join(part.get_object().get_data() for part in target))
            ref = self._writer._add_object(form)
        else:
            ref = contents if isinstance(contents, IndirectObject) else \
                self._writer._add_object(target)
            form = ref.get_object()
            if form.get("/Subtype") == "/Form":  # shared by an earlier page: copy it
                copy = DecodedStreamObject()
                copy.set_data(form.get_data())
                ref = self._writer._add_object(copy)
                form = copy
        box = page.mediabox
        form.update({
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(FloatObject(v) for v in (
                box.left, box.bottom, box.right, box.top)),
            NameObject("/Resources"): page["/Resources"],
        })
        xobjects = page["/Resources"].get_object()["/XObject"].get_object()
        # Pages often share one resources dictionary: number the forms across the document.
        name = f"/EcPg{self._pages}"
        while name in xobjects:
            self._pages += 1
            name = f"/EcPg{self._pages}"
        self._pages += 1
        xobjects[NameObject(name)] = ref
        return name

    def _draw_original(self, page: PageObject, name: str) -> IndirectObject:
        return self._add_stream(f"{name} Do\n".encode("ascii"))

    def _register(self, page: PageObject) -> str:
        """Name the form in the page's /XObject resources (often one dict shared by all pages)."""
        resources = page.get("/Resources")
        if resources is None:
            resources = DictionaryObject()
            page[NameObject("/Resources")] = resources
        resources = resources.get_object()
        xobjects = resources.get("/XObject")
        if xobjects is None:
            xobjects = DictionaryObject()
            resources[NameObject("/XObject")] = xobjects
        xobjects = xobjects.get_object()
        name, suffix = _XOBJECT_NAME, 0
        while name in xobjects and xobjects[name] != self._form:
            suffix += 1
            name = f"{_XOBJECT_NAME}{suffix}"
        xobjects[NameObject(name)] = self._form
        return name

    def _matrix(self, rotation: int, x0: float, y0: float, x1: float, y1: float) -> Matrix:
        return stamp_matrix(self._size, self._span, rotation, (x0, y0, x1, y1))

    def _import_form(self, stamp_pdf: bytes) -> tuple[IndirectObject, tuple[float, float]]:
        """Turn the stamp PDF's only page into a Form XObject owned by the writer."""
        page = PdfReader(io.BytesIO(stamp_pdf)).pages[0]
        box = page.mediabox
        form = DecodedStreamObject()
        form.set_data(page.get_contents().get_data())
        form.update({
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(FloatObject(v) for v in (0, 0, box.width,
                                                                       box.height)),
            NameObject("/Resources"): page["/Resources"].clone(self._writer),
        })
        # pypdf has no public "add an indirect object" on PdfWriter; _add_object is what its
        # own add_page and merge code use.
        ref = self._writer._add_object(form.flate_encode())
        return ref, (float(box.width), float(box.height))

    def _add_stream(self, data: bytes) -> IndirectObject:
        stream = DecodedStreamObject()
        stream.set_data(data)
        return self._writer._add_object(stream)


def watermark_pdf(src: bytes | str | os.PathLike[str], text_lines: Sequence[str], *,
                  style: WatermarkStyle | None = None) -> bytes:
    """Return a copy of a stored PDF with the delegate's stamp on every page.

    :raises WatermarkFontError: when the font cannot be loaded.
    """
    style = style or WatermarkStyle()
    stamp_pdf = render_stamp(text_lines, style)
    reader = PdfReader(io.BytesIO(src) if isinstance(src, bytes) else src)
    writer = PdfWriter(clone_from=reader)
    stamper = PageStamper(writer, stamp_pdf, style)
    for page in writer.pages:
        stamper.stamp(page)
    return write_pdf(writer)


def write_pdf(writer: PdfWriter) -> bytes:
    """Serialise a writer, at PDF 1.4 or later since the stamp uses transparency."""
    if writer.pdf_header < "%PDF-1.4":
        writer.pdf_header = "%PDF-1.4"
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def stamp_matrix(stamp_size: tuple[float, float], span: float, rotation: int,
                 box: tuple[float, float, float, float]) -> Matrix:
    """Map the stamp to the page as *displayed*: centred, along the diagonal, any /Rotate."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    shown_w, shown_h = (h, w) if rotation in (90, 270) else (w, h)
    stamp_w, stamp_h = stamp_size
    scale = span * math.hypot(shown_w, shown_h) / stamp_w
    scale = min(scale, 0.9 * min(shown_w, shown_h) / stamp_h)
    angle = math.atan2(shown_h, shown_w)
    cos, sin = math.cos(angle), math.sin(angle)
    # display space (origin bottom-left of the page as shown) -> default user space
    to_user = {
        0: (1, 0, 0, 1, x0, y0),
        90: (0, 1, -1, 0, x0 + w, y0),
        180: (-1, 0, 0, -1, x0 + w, y0 + h),
        270: (0, -1, 1, 0, x0, y0 + h),
    }.get(rotation, (1, 0, 0, 1, x0, y0))
    matrix: Matrix = (1, 0, 0, 1, -stamp_w / 2, -stamp_h / 2)
    for step in ((scale, 0, 0, scale, 0, 0), (cos, sin, -sin, cos, 0, 0),
                 (1, 0, 0, 1, shown_w / 2, shown_h / 2), to_user):
        matrix = _concat(matrix, step)
    return matrix


def _concat(first: Matrix, then: Matrix) -> Matrix:
    """PDF matrix product: apply ``first``, then ``then`` (row vectors, as ``cm`` does)."""
    a, b, c, d, e, f = first
    p, q, r, s, t, u = then
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s,
            e * p + f * r + t, e * q + f * s + u)
