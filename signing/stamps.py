"""Visible stamps of the two signatures that Decree 30/2020 describes.

* :class:`SignerStamp`: the person in authority — position, signature image or name, time.
* :class:`SealStamp`: the organisation — its seal drawn in red vector graphics at its real size.
* :class:`IssueStamp`: the organisation on an attached file — number and signing time, 10 pt,
  at the top right of page 1.

Each is turned into a pyHanko stamp style by :func:`stamp_style`. Images are drawn or given at run
time; nothing here reads an image from the repository.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.content import ResourceType
from pyhanko.pdf_utils.font.api import FontEngineFactory
from pyhanko.pdf_utils.generic import NameObject
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.stamp import BaseStamp, BaseStampStyle, TextStampStyle

from .errors import SigningError
from .fonts import stamp_font

__all__ = [
    "VIETNAM_TZ",
    "IssueStamp",
    "MarksStamp",
    "PlacedText",
    "SealStamp",
    "SignerStamp",
    "Stamp",
    "format_signing_time",
    "stamp_style",
]

VIETNAM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SEAL_RED = (0.86, 0.08, 0.12)
MM = 72 / 25.4


@dataclass(frozen=True)
class SignerStamp:
    """The person in authority's stamp (first of the two signatures)."""

    name: str
    """Full name, shown when there is no signature image (and beneath it when there is)."""
    position: str = ""
    """Position lines, e.g. ``"KT. CHỦ TỊCH\\nPHÓ CHỦ TỊCH"``."""
    image_png: bytes | None = None
    """The handwritten signature as a PNG (transparent background), drawn behind the text."""


@dataclass(frozen=True)
class SealStamp:
    """The organisation's seal (second signature), red, at its real size."""

    body: str
    """The issuing body, written around the seal, e.g. ``"ỦY BAN NHÂN DÂN PHƯỜNG BA ĐÌNH"``."""
    diameter_mm: float = 36.0
    """Real diameter of the body's seal in millimetres."""


@dataclass(frozen=True)
class IssueStamp:
    """The organisation's text stamp on an attached file (number and signing time)."""

    number: str
    """The document's number and symbol, e.g. ``"05/TB-UBND"``."""


@dataclass(frozen=True)
class PlacedText:
    """A piece of text drawn at an exact place of a stamp (a blank the document left for it)."""

    text: str
    """What to write, e.g. the number ``"05"`` or the day ``"05"``."""
    x: float
    """Left end of its baseline, in points from the field box's left edge."""
    y: float
    """Its baseline, in points from the field box's bottom edge."""
    size: float = 13.0
    """Font size in points."""


@dataclass(frozen=True)
class MarksStamp:
    """The organisation writes into the blanks a document left: its number and its date.

    Nothing else is drawn, so the page shows through the rest of the field.
    """

    texts: tuple[PlacedText, ...]
    """Each piece of text and where it goes."""


Stamp = SignerStamp | SealStamp | IssueStamp | MarksStamp


def format_signing_time(when: dt.datetime) -> str:
    """Return ISO 8601 in Vietnam's time zone (``2025-03-05T10:15:00+07:00``), as stamps show it."""
    return when.astimezone(VIETNAM_TZ).replace(microsecond=0).isoformat()


def _escape(text: str) -> str:
    """pyHanko formats stamp text with ``%``; a literal percent sign must be doubled."""
    return text.replace("%", "%%")


def stamp_style(stamp: Stamp, when: dt.datetime) -> BaseStampStyle:
    """Build the pyHanko style that draws ``stamp`` for a signature made at ``when``.

    :raises FontError: the stamp font is unusable.
    """
    time_text = format_signing_time(when)
    if isinstance(stamp, SealStamp):
        return _SealStyle(body=stamp.body, font=stamp_font(10), border_width=0)
    if isinstance(stamp, MarksStamp):
        return _MarksStyle(texts=stamp.texts, font=stamp_font(10), border_width=0)
    if isinstance(stamp, IssueStamp):
        return TextStampStyle(
            stamp_text=_escape(f"{stamp.number}\n{time_text}"),
            text_box_style=TextBoxStyle(font=stamp_font(10), font_size=10),
            inner_content_layout=layout.SimpleBoxLayoutRule(
                x_align=layout.AxisAlignment.ALIGN_MAX,
                y_align=layout.AxisAlignment.ALIGN_MAX,
                margins=layout.Margins.uniform(1),
            ),
            border_width=0,
        )
    lines = [line for line in (stamp.position, stamp.name, f"Ký ngày: {time_text}") if line]
    background = None
    if stamp.image_png:
        background = _png_content(stamp.image_png)
    return TextStampStyle(
        stamp_text=_escape("\n".join(lines)),
        text_box_style=TextBoxStyle(font=stamp_font(9), font_size=9),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
        ),
        background=background,
        background_opacity=1.0,
        border_width=0,
    )


def _png_content(data: bytes) -> PdfImage:
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError) as exc:
        raise SigningError("the signature image is not a readable PNG") from exc
    return PdfImage(image)


@dataclass(frozen=True)
class _SealStyle(BaseStampStyle):
    """Draw a round seal: two rings, a star, and the body's name around the top."""

    body: str = ""
    font: FontEngineFactory | None = None

    def create_stamp(self, writer, box, text_params) -> _SealStamp:
        return _SealStamp(writer=writer, style=self, box=box)


@dataclass(frozen=True)
class _MarksStyle(BaseStampStyle):
    """Draw placed texts only: no border, no background."""

    texts: tuple[PlacedText, ...] = ()
    font: FontEngineFactory | None = None

    def create_stamp(self, writer, box, text_params) -> _MarksStamp:
        return _MarksStamp(writer=writer, style=self, box=box)


class _MarksStamp(BaseStamp):
    def _render_inner_content(self) -> list[bytes]:
        style: _MarksStyle = self.style
        engine = style.font.create_font_engine(self.writer)
        self.set_resource(ResourceType.FONT, NameObject("/FMark"), engine.as_resource())
        ops = [b"q 0 0 0 rg BT"]
        for piece in style.texts:
            shaped = engine.shape(piece.text, with_actual_text=False)
            ops.append(b"/FMark %.2f Tf 1 0 0 1 %.2f %.2f Tm " % (piece.size, piece.x, piece.y)
                       + shaped.graphics_ops)
        ops.append(b"ET Q")
        return [b" ".join(ops)]


def _circle(cx: float, cy: float, r: float) -> bytes:
    """Four Bézier quarter arcs: PDF has no circle operator."""
    k = 0.5523 * r
    return (
        b"%.2f %.2f m "
        b"%.2f %.2f %.2f %.2f %.2f %.2f c %.2f %.2f %.2f %.2f %.2f %.2f c "
        b"%.2f %.2f %.2f %.2f %.2f %.2f c %.2f %.2f %.2f %.2f %.2f %.2f c S"
        % (
            cx + r, cy,
            cx + r, cy + k, cx + k, cy + r, cx, cy + r,
            cx - k, cy + r, cx - r, cy + k, cx - r, cy,
            cx - r, cy - k, cx - k, cy - r, cx, cy - r,
            cx + k, cy - r, cx + r, cy - k, cx + r, cy,
        )
    )


def _star(cx: float, cy: float, r: float) -> bytes:
    points = []
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.382
        angle = math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    path = [b"%.2f %.2f m" % points[0]] + [b"%.2f %.2f l" % p for p in points[1:]]
    return b" ".join(path) + b" h f"


class _SealStamp(BaseStamp):
    def _render_inner_content(self) -> list[bytes]:
        style: _SealStyle = self.style
        width, height = self.box.width, self.box.height
        r = min(width, height) / 2
        cx, cy = width / 2, height / 2
        ops = [b"q %g %g %g RG %g %g %g rg" % (SEAL_RED + SEAL_RED)]
        ops.append(b"%.2f w " % (r * 0.045) + _circle(cx, cy, r * 0.96))
        ops.append(b"%.2f w " % (r * 0.02) + _circle(cx, cy, r * 0.58))
        ops.append(_star(cx, cy, r * 0.3))
        ops.append(self._ring_text(style, cx, cy, r))
        ops.append(b"Q")
        return ops

    def _ring_text(self, style: _SealStyle, cx: float, cy: float, r: float) -> bytes:
        """Set the body's name upright around the ring, centred on the top of the seal."""
        text = style.body.upper()
        if not text:
            return b""
        engine = style.font.create_font_engine(self.writer)
        self.set_resource(ResourceType.FONT, NameObject("/FSeal"), engine.as_resource())
        baseline = r * 0.70
        shaped = [engine.shape(ch, with_actual_text=False) for ch in text]
        advances = [s.x_advance for s in shaped]  # in em
        # largest size that keeps the text within 300 degrees of the ring, and within the band
        size = min(r * 0.2, baseline * math.radians(300) / max(sum(advances), 0.01))
        total = sum(advances) * size / baseline  # radians
        angle = math.pi / 2 + total / 2
        out = [b"BT /FSeal %.2f Tf" % size]
        for shape, advance in zip(shaped, advances, strict=True):
            half = advance * size / baseline / 2
            mid = angle - half
            rot = mid - math.pi / 2
            # move from the glyph's centre on the baseline back to its origin
            x = cx + baseline * math.cos(mid) - math.cos(rot) * advance * size / 2
            y = cy + baseline * math.sin(mid) - math.sin(rot) * advance * size / 2
            out.append(
                b"%.4f %.4f %.4f %.4f %.2f %.2f Tm "
                % (math.cos(rot), math.sin(rot), -math.sin(rot), math.cos(rot), x, y)
                + shape.graphics_ops
            )
            angle -= 2 * half
        out.append(b"ET")
        return b" ".join(out)
