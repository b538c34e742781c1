"""What the viewer sends, checked field by field before anything is stored.

The browser is not trusted: every number is a finite float, every list bounded, the editor's
serialised data at most :data:`MAX_DATA_BYTES` once written as JSON.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
import uuid
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from ecabinet.annotations.errors import AnnotationTooLarge, InvalidAnnotation
from ecabinet.annotations.models import Kind

MAX_DATA_BYTES = 64 * 1024
"""An ink drawing of a whole page serialises to ~20 KiB; more is not a note."""
MAX_RECTS = 200
MAX_PATHS = 100
MAX_POINTS = 4000
MAX_TEXT = 10_000
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class AnnotationInput:
    """One annotation as the viewer saves it."""

    client_id: str
    kind: Kind
    page: int
    rects: list = field(default_factory=list)
    paths: list = field(default_factory=list)
    quote: str = ""
    color: str = "#ffd400"
    comment: str = ""
    data: dict | None = None
    base_revision: int = 0
    """The revision the edit started from; 0 for a new annotation."""
    version: int | None = None
    """The document version number the viewer showed; None means the current one."""

    def content(self) -> tuple:
        """What an edit changes: two saves with the same content are the same save."""
        return (self.kind.value, self.page, self.rects, self.paths, self.quote, self.color,
                self.comment, json.dumps(self.data, sort_keys=True))


def _text(value, name: str, limit: int = MAX_TEXT) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidAnnotation(_l("“%(name)s” must be text.", name=name))
    value = unicodedata.normalize("NFC", value).replace("\x00", "")
    if len(value) > limit:
        raise AnnotationTooLarge(_l("“%(name)s” is longer than %(limit)s characters.",
                                    name=name, limit=limit))
    return value


def _number(value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidAnnotation(_l("Positions must be numbers."))
    return round(float(value), 2)


def _int(value, name: str, *, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidAnnotation(_l("“%(name)s” must be a whole number.", name=name))
    return value


def _rects(value) -> list:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_RECTS:
        raise InvalidAnnotation(_l("“%(name)s” must be a list of at most %(limit)s boxes.",
                                   name="rects", limit=MAX_RECTS))
    rects = []
    for rect in value:
        if not isinstance(rect, list) or len(rect) != 4:
            raise InvalidAnnotation(_l("Each box needs four numbers: x1, y1, x2, y2."))
        x1, y1, x2, y2 = (_number(v) for v in rect)
        rects.append([min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)])
    return rects


def _paths(value) -> list:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_PATHS:
        raise InvalidAnnotation(_l("“%(name)s” must be a list of at most %(limit)s boxes.",
                                   name="paths", limit=MAX_PATHS))
    total, paths = 0, []
    for path in value:
        if not isinstance(path, list) or len(path) % 2:
            raise InvalidAnnotation(_l("Each stroke is a list of x, y pairs."))
        total += len(path)
        if total > MAX_POINTS * 2:
            raise AnnotationTooLarge(_l("The drawing has too many points."))
        paths.append([_number(v) for v in path])
    return paths


def parse_client_id(value) -> str:
    """The browser's UUID in its canonical form (as stored).

    :raises InvalidAnnotation: when it is not a UUID.
    """
    try:
        return str(uuid.UUID(str(value or "")))
    except ValueError:
        raise InvalidAnnotation(_l("“client_id” must be a UUID.")) from None


def parse_annotation(payload) -> AnnotationInput:
    """The viewer's JSON as an :class:`AnnotationInput`.

    :raises InvalidAnnotation: naming the first field that is wrong.
    :raises AnnotationTooLarge: when the editor data or a text is over its limit.
    """
    if not isinstance(payload, dict):
        raise InvalidAnnotation(_l("The request must be a JSON object."))
    client_id = parse_client_id(payload.get("client_id"))
    try:
        kind = Kind(payload.get("kind"))
    except ValueError:
        raise InvalidAnnotation(_l("“kind” must be highlight, freetext, ink or note.")) from None
    color = payload.get("color") or "#ffd400"
    if not isinstance(color, str) or not _COLOR.match(color):
        raise InvalidAnnotation(_l("“color” must be written #rrggbb."))
    data = payload.get("data")
    if data is not None:
        if not isinstance(data, dict):
            raise InvalidAnnotation(_l("“data” must be a JSON object."))
        if len(json.dumps(data, separators=(",", ":"))) > MAX_DATA_BYTES:
            raise AnnotationTooLarge(_l("The annotation is larger than %(limit)s KiB.",
                                        limit=MAX_DATA_BYTES // 1024))
    version = payload.get("version")
    return AnnotationInput(
        client_id=client_id, kind=kind, page=_int(payload.get("page"), "page", minimum=1),
        rects=_rects(payload.get("rects")), paths=_paths(payload.get("paths")),
        quote=_text(payload.get("quote"), "quote"), color=color.lower(),
        comment=_text(payload.get("comment"), "comment"), data=data,
        base_revision=_int(payload.get("base_revision") or 0, "base_revision"),
        version=None if version is None else _int(version, "version", minimum=1))
