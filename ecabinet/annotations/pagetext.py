"""The page texts of a document version, extracted once in a limited child and kept.

The stored file passed the upload check, but it still came from outside: pypdf reads it only
in :mod:`ecabinet.annotations._text_child` (its own CPU, memory and file limits, an empty
environment, killed after a wall-clock limit), never in the web process.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy.exc import IntegrityError

from ecabinet.annotations import _text_child
from ecabinet.annotations.anchoring import PageText
from ecabinet.annotations.models import VersionText
from ecabinet.core.timeutil import utcnow
from ecabinet.documents import storage
from ecabinet.extensions import db

log = logging.getLogger(__name__)
_CHILD = str(Path(_text_child.__file__).resolve())


@dataclass(frozen=True)
class TextLimits:
    max_bytes: int = 200 * 1024 * 1024
    max_pages: int = 5000
    cpu_seconds: int = 60
    """pypdf reads ~60 text pages a second here; a 300-page report takes ~5 s."""
    memory_bytes: int = 1536 * 1024 * 1024
    wall_clock_seconds: float = 90.0


def extract_pages(pdf: bytes, limits: TextLimits | None = None) -> list[dict] | None:
    """Every page's text and runs, or None when the child could not read the file."""
    limits = limits or TextLimits()
    try:
        # env={} keeps the application's secrets out of the child; no shell, fixed command.
        proc = subprocess.run(  # noqa: S603
            [sys.executable, "-I", _CHILD, json.dumps(asdict(limits))], input=pdf,
            capture_output=True, env={}, timeout=limits.wall_clock_seconds, check=False)
    except subprocess.TimeoutExpired:
        log.warning("page text extraction took longer than %ss", limits.wall_clock_seconds)
        return None
    try:
        answer = json.loads(proc.stdout)
    except ValueError:
        log.warning("page text child failed (exit %s): %s", proc.returncode,
                    proc.stderr.decode("utf-8", "replace")[-300:])
        return None
    if not isinstance(answer, dict) or not isinstance(answer.get("pages"), list):
        log.warning("page text child refused: %s", answer.get("error") if isinstance(
            answer, dict) else answer)
        return None
    return answer["pages"]


def version_texts(version) -> list[PageText] | None:
    """The version's page texts, extracted on first use; None when it has no readable text."""
    row = db.session.get(VersionText, version.id)
    if row is None:
        pages = extract_pages(storage.read_file(version.sha256))
        row = VersionText(version_id=version.id, pages=pages or [], ok=pages is not None,
                          extracted_at=utcnow())
        db.session.add(row)
        try:
            db.session.commit()
        except IntegrityError:  # another request extracted it meanwhile
            db.session.rollback()
            row = db.session.get(VersionText, version.id)
    if not row.ok:
        return None
    return [PageText.from_json(page) for page in row.pages]
