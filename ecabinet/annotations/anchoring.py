"""Find an annotation's quoted text again on a new version, and move it there.

Pure functions over page texts (:class:`PageText`, as ``_text_child`` extracts them): no
database, no Flask. The order of attempts, cheapest and surest first:

1. the old page's text is unchanged on the same page of the new version: same place;
2. the quote found exactly: on the old page, then its neighbours, then further away;
3. the quote found nearly (rapidfuzz's best partial alignment, score ≥
   :data:`FUZZY_CUTOFF` out of 100)
   on the old page and its two neighbours only: a fuzzy hit far away is more often wrong.

An annotation moves by the distance its quote moved: the position of the quote's first
character on each version is estimated from the start of its text run (pypdf reports where
each run starts, not each glyph), so the same estimate on both sides cancels out.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz

from ecabinet.annotations.models import Anchor

FUZZY_CUTOFF = 90.0
MIN_FUZZY_CHARS = 12
"""Below this a near match is a coincidence, not the same passage."""
_SPACE = re.compile(r"\s+")
_POINT_KEYS = frozenset({"rect", "quadPoints", "outlines", "points", "bezier", "lines",
                         "vertices", "boxes"})
"""Keys of PDF.js's serialised editors that hold x, y pairs in page coordinates."""


def normalise(text: str) -> str:
    """NFC with runs of white space made one space: what text extraction can agree on."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text or "")).strip()


@dataclass(frozen=True)
class PageText:
    text: str
    """The page's text, normalised."""
    spans: tuple[tuple[int, float, float, float], ...] = ()
    """(offset in ``text``, x, y, font size) where each run of text starts."""

    @classmethod
    def from_json(cls, page: dict) -> PageText:
        return cls(str(page.get("text", "")),
                   tuple(tuple(span) for span in page.get("spans", ())))

    def point_at(self, offset: int) -> tuple[float, float] | None:
        """Estimated (x, baseline y) of the character at ``offset``."""
        best = None
        for span in self.spans:
            if span[0] > offset:
                break
            best = span
        if best is None:
            return None
        start, x, y, size = best
        return x + (offset - start) * size * 0.5, y


@dataclass(frozen=True)
class Match:
    page: int
    """1-based."""
    offset: int
    how: Anchor
    score: float = 100.0


def _by_distance(count: int, near: int):
    """Pages 1…count nearest ``near`` first (the earlier of two at the same distance)."""
    near = min(max(near, 1), count)
    yield near
    for step in range(1, count):
        for page in (near - step, near + step):
            if 1 <= page <= count:
                yield page


def find_quote(quote: str, pages: list[PageText], near: int) -> Match | None:
    """Where ``quote`` is on ``pages``, looking first around page ``near``."""
    wanted = normalise(quote)
    if not wanted or not pages:
        return None
    for page in _by_distance(len(pages), near):
        offset = pages[page - 1].text.find(wanted)
        if offset >= 0:
            return Match(page, offset, Anchor.EXACT)
    if len(wanted) < MIN_FUZZY_CHARS:
        return None
    best = None
    folded = wanted.casefold()
    for page in (near, near - 1, near + 1):
        if not 1 <= page <= len(pages):
            continue
        hit = fuzz.partial_ratio_alignment(folded, pages[page - 1].text.casefold(),
                                           score_cutoff=FUZZY_CUTOFF)
        if hit is not None and (best is None or hit.score > best.score):
            best = Match(page, hit.dest_start, Anchor.FUZZY, hit.score)
    return best


@dataclass(frozen=True)
class Placement:
    page: int
    dx: float
    dy: float
    how: Anchor


def place(quote: str, page: int, rects: list, old: list[PageText] | None,
          new: list[PageText]) -> Placement | None:
    """Where an annotation of old page ``page`` goes on the new version, or None."""
    if old and 1 <= page <= len(old) and page <= len(new) and old[page - 1].text \
            and old[page - 1].text == new[page - 1].text:
        return Placement(page, 0.0, 0.0, Anchor.EXACT)
    match = find_quote(quote, new, page)
    if match is None:
        return None
    target = new[match.page - 1].point_at(match.offset)
    origin = None
    if old:
        before = find_quote(quote, old, page)
        if before is not None and before.page == page:
            origin = old[page - 1].point_at(before.offset)
    if origin is None and rects:
        origin = (rects[0][0], rects[0][1])
    if target is None or origin is None:
        return Placement(match.page, 0.0, 0.0, match.how)
    return Placement(match.page, target[0] - origin[0], target[1] - origin[1], match.how)


def shift_pairs(values: list, dx: float, dy: float) -> list:
    """x, y pairs (flat, or nested lists of them) moved by (dx, dy)."""
    if values and all(isinstance(v, list) for v in values):
        return [shift_pairs(v, dx, dy) for v in values]
    return [round(v + (dy if index % 2 else dx), 2) if isinstance(v, (int, float)) else v
            for index, v in enumerate(values)]


def shift_data(data, page: int, dx: float, dy: float):
    """PDF.js's serialised editor moved to ``page`` (1-based) and by (dx, dy)."""
    if isinstance(data, list):
        return [shift_data(item, page, dx, dy) for item in data]
    if not isinstance(data, dict):
        return data
    moved = {}
    for key, value in data.items():
        if key == "pageIndex" and isinstance(value, int):
            moved[key] = page - 1
        elif key in _POINT_KEYS and isinstance(value, list):
            moved[key] = shift_pairs(value, dx, dy)
        elif isinstance(value, (dict, list)):
            moved[key] = shift_data(value, page, dx, dy)
        else:
            moved[key] = value
    return moved
