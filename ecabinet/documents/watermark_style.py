"""What a watermark says and how it looks, and its errors: no PDF library needed.

Kept apart from :mod:`ecabinet.documents.watermark` (which loads pypdf and fpdf2) so that the
views and services that name these do not load the PDF libraries into every server process;
they are loaded when a copy is first stamped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

__all__ = ["DEFAULT_FONT_PATH", "WatermarkError", "WatermarkFontError", "WatermarkStyle",
           "stamp_text"]

DEFAULT_FONT_PATH = "/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf"
"""Debian's fonts-noto-core; any TrueType font with Vietnamese glyphs will do."""

_DISPLAY_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class WatermarkError(Exception):
    """Watermarking failed; ``code`` is stable for callers and logs."""

    code = "watermark_failed"


class WatermarkFontError(WatermarkError):
    """The configured font file is missing or is not a usable TrueType font."""

    code = "watermark_font"


@dataclass(frozen=True)
class WatermarkStyle:
    """How the stamp looks; the defaults are readable yet leave the page legible."""

    font_path: str = DEFAULT_FONT_PATH
    """TrueType/OpenType font with Vietnamese glyphs; embedded as a subset, never committed."""
    font_size: float = 28.0
    """Design size in points; the stamp is then scaled to the page."""
    gray: float = 0.45
    """Text colour, 0 black to 1 white."""
    opacity: float = 0.22
    """Fill opacity of the text (an ExtGState, so the page shows through)."""
    span: float = 0.75
    """Width of the stamp as a share of the page diagonal."""


def stamp_text(full_name: str, username: str, when: datetime) -> str:
    """Format the stamp line in Vietnam time: "Nguyễn Văn An · daibieu01 · 25/11/2026 14:30"."""
    if when.tzinfo is not None:
        when = when.astimezone(_DISPLAY_TZ)
    return f"{full_name} · {username} · {when:%d/%m/%Y %H:%M}"
