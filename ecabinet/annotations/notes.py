""""Ghi chú của tôi": a reader's annotations across meetings, grouped, searchable without tones.

Only annotations on the current version of a document the reader may still read are shown:
a document removed, or a meeting the reader no longer takes part in, takes its notes out of
sight (they are kept, and come back with the access).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ecabinet.annotations.models import Anchor, Annotation
from ecabinet.annotations.permissions import can_annotate
from ecabinet.annotations.service import owner_annotations
from ecabinet.core.collation import sort_key
from ecabinet.core.errors import EcabinetError
from ecabinet.core.text import fold
from ecabinet.documents import service as documents
from ecabinet.documents.permissions import meeting_of


@dataclass
class DocumentNotes:
    document: object
    notes: list[Annotation] = field(default_factory=list)


@dataclass
class MeetingNotes:
    meeting: object
    documents: list[DocumentNotes] = field(default_factory=list)


def _matches(row: Annotation, words: list[str], context: str) -> bool:
    text = fold(f"{row.quote} {row.comment} {context}")
    return all(word in text for word in words)


def notes_of(user, *, search: str = "", meeting_id: int | None = None) -> list[MeetingNotes]:
    """The user's notes by meeting (latest first) and document (agenda order, then title);
    with ``meeting_id``, of that meeting only (the summary a delegate prints for it)."""
    words = fold(search).split()
    by_document: dict[int, list[Annotation]] = {}
    for row in owner_annotations(user):
        by_document.setdefault(row.document_id, []).append(row)
    meetings: dict[int, MeetingNotes] = {}
    for document_id, rows in by_document.items():
        try:
            document = documents.get_document(document_id)
        except EcabinetError:
            continue
        if not can_annotate(document, user):
            continue
        meeting = meeting_of(document)
        if meeting_id is not None and meeting.id != meeting_id:
            continue
        context = f"{document.title} {meeting.title}"
        current = [r for r in rows if r.version_id == document.current.id
                   and (not words or _matches(r, words, context))]
        if not current:
            continue
        current.sort(key=lambda r: (r.anchor == Anchor.UNPLACED, r.page, r.id))
        group = meetings.setdefault(meeting.id, MeetingNotes(meeting))
        group.documents.append(DocumentNotes(document, current))
    for group in meetings.values():
        group.documents.sort(key=lambda d: (d.document.position, sort_key(d.document.title)))
    return sorted(meetings.values(), key=lambda g: g.meeting.starts_at, reverse=True)
