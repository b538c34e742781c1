"""The serif font of visible stamps, embedded as a subset.

Noto Serif (Debian ``fonts-noto-core``) is the default: it has every Vietnamese glyph and
pyHanko lays it out correctly. Liberation Serif and DejaVu Serif come out with glyph spacing about
twice too wide in pyHanko stamps (pyHanko assumes 1000 font units per em; they use 2048), so they
are refused. ``SIGNING_FONT`` points elsewhere; the font is never committed to the repository.
"""

from __future__ import annotations

import functools
import io
import os
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont, TTLibError
from pyhanko.pdf_utils.font.api import FontEngineFactory
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator

from .errors import FontError

__all__ = ["DEFAULT_FONT", "FONT_ENV", "VIETNAMESE_SAMPLE", "font_path", "stamp_font"]

FONT_ENV = "SIGNING_FONT"
DEFAULT_FONT = Path("/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf")
VIETNAMESE_SAMPLE = (
    "ĂÂĐÊÔƠƯăâđêôơư"
    "ÀÁẢÃẠẰẮẲẴẶẦẤẨẪẬÈÉẺẼẸỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌỒỐỔỖỘỜỚỞỠỢÙÚỦŨỤỪỨỬỮỰỲÝỶỸỴ"
    "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
)


def font_path() -> Path:
    """Return the configured stamp font: ``$SIGNING_FONT`` or Noto Serif."""
    return Path(os.environ.get(FONT_ENV) or DEFAULT_FONT)


# Latin (Basic, Latin-1, Extended-A), Vietnamese (its letters of Extended-B, the tone and vowel
# marks, Latin Extended Additional), Romanian's comma-below letters and punctuation: all that
# stamps need, so that each signature's font (read, then subset by pyHanko while writing)
# works on about 500 glyphs; the rest of Extended-B and of the combining marks is left out.
_STAMP_EXTRA = [0x1A0, 0x1A1, 0x1AF, 0x1B0, 0x218, 0x219, 0x21A, 0x21B,
                0x300, 0x301, 0x302, 0x303, 0x306, 0x309, 0x31B, 0x323]
_STAMP_UNICODES = [
    *range(0x20, 0x7F), *range(0xA0, 0x180), *_STAMP_EXTRA, *range(0x1EA0, 0x1F00),
    *range(0x2010, 0x2050), 0x20AB, 0x2116,
]


@functools.lru_cache(maxsize=4)
def _font_bytes(path: Path) -> bytes:
    """Read, check and trim a font once per process.

    Subsetting the whole of Noto Serif took 0.3 s per signature (its layout tables are large);
    trimmed here once to the stamp's scripts, without layout tables (GSUB/GPOS: stamps are set
    in precomposed NFC letters, which need no shaping; only kerning is lost), a signature's
    subset is quick.
    """
    try:
        data = path.read_bytes()
        tt = TTFont(io.BytesIO(data), lazy=True)
        cmap = tt.getBestCmap()
        units_per_em = tt["head"].unitsPerEm
    except (OSError, TTLibError, KeyError) as exc:
        raise FontError(f"{path}: not a usable TrueType/OpenType font ({exc})") from exc
    missing = sorted({ch for ch in VIETNAMESE_SAMPLE if ord(ch) not in cmap})
    if missing:
        raise FontError(f"{path} lacks Vietnamese glyphs: {''.join(missing)}")
    if units_per_em != 1000:
        raise FontError(
            f"{path} has {units_per_em} units per em; pyHanko lays out only 1000 correctly"
        )
    return _trim(data)


def _trim(data: bytes) -> bytes:
    options = subset.Options()
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF"]
    options.hinting = False
    options.name_IDs = ["*"]
    options.notdef_outline = True
    # keep the glyphs' names (post table 2): without them fontTools derives every name from
    # the cmap each time the font is opened, which each document and signature does
    options.glyph_names = True
    font = TTFont(io.BytesIO(data))
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=_STAMP_UNICODES)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


class _StampFontFactory(FontEngineFactory):
    """Create pyHanko glyph accumulators from the cached font bytes."""

    def __init__(self, path: Path, font_size: float) -> None:
        self.path = path
        self.font_size = font_size
        _font_bytes(path)  # fail early, before any field is written

    def create_font_engine(self, writer, obj_stream=None) -> GlyphAccumulator:
        engine = GlyphAccumulator(
            writer=writer,
            font_handle=io.BytesIO(_font_bytes(self.path)),
            font_size=self.font_size,
            bcp47_lang_code="vi",
            obj_stream=obj_stream,
        )
        # the subset keeps each glyph's outline and bounds as they are: without this, fontTools
        # unpacks every kept glyph on save only to recompute its bounding box
        engine.tt.recalcBBoxes = False
        return engine


def stamp_font(font_size: float = 10) -> FontEngineFactory:
    """Return a font engine factory for the configured serif.

    :raises FontError: the font is missing, lacks Vietnamese glyphs, or pyHanko cannot lay it out.
    """
    return _StampFontFactory(font_path(), font_size)
