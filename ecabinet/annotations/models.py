"""A reader's private annotations per document version, the versions' page texts for
re-anchoring, and opinions (góp ý) sent to the secretariat."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ecabinet.core.models import Base, enum_column
from ecabinet.core.timeutil import utcnow


class Kind(enum.StrEnum):
    HIGHLIGHT = "highlight"
    FREETEXT = "freetext"
    INK = "ink"
    NOTE = "note"
    """A sticky note (comment) on a place."""


class Anchor(enum.StrEnum):
    """How the annotation came to be on its version."""

    OWN = "own"
    """Made on this version by its owner."""
    EXACT = "exact"
    """Carried over from the previous version: its quoted text found as it was."""
    FUZZY = "fuzzy"
    """Carried over: its quoted text found nearly (a few words changed)."""
    UNPLACED = "unplaced"
    """Carried over but not found: kept and listed, with the old page, never dropped."""


class Annotation(Base):
    """One highlight, free text, drawing or note of one reader on one document version."""

    __tablename__ = "annotations"
    __table_args__ = (UniqueConstraint("owner_id", "version_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"),
                                             index=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("document_versions.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[str] = mapped_column(String(36))
    """A UUID the browser made: a retried save finds the same row."""
    kind: Mapped[Kind] = mapped_column(enum_column(Kind))
    page: Mapped[int]
    """1-based page of the version."""
    rects: Mapped[list] = mapped_column(JSON, default=list)
    """[[x1, y1, x2, y2], …] in PDF points, origin bottom left (PDF user space)."""
    paths: Mapped[list] = mapped_column(JSON, default=list)
    """Ink strokes: [[x, y, x, y, …], …] in PDF points."""
    quote: Mapped[str] = mapped_column(Text, default="")
    """The text under (or next to) the annotation, for re-anchoring and search."""
    color: Mapped[str] = mapped_column(String(7), default="#ffd400")
    comment: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict | None] = mapped_column(JSON)
    """The PDF.js annotation editor's serialised form, as the viewer gave it (size-limited)."""
    revision: Mapped[int] = mapped_column(default=1)
    """Optimistic concurrency: an edit names the revision it started from."""
    anchor: Mapped[Anchor] = mapped_column(enum_column(Anchor), default=Anchor.OWN)
    old_page: Mapped[int | None]
    """Where it was on the previous version, when carried over."""
    carried_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("annotations.id", ondelete="SET NULL"), index=True)
    conflict_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("annotations.id", ondelete="SET NULL"))
    """Set on the copy that keeps an edit which arrived with a stale revision."""
    deleted: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class VersionText(Base):
    """The text of every page of a version with where its runs start, extracted once (in a
    limited child) so that annotations can be found again on the next version."""

    __tablename__ = "annotation_version_texts"

    version_id: Mapped[int] = mapped_column(
        ForeignKey("document_versions.id", ondelete="CASCADE"), primary_key=True)
    pages: Mapped[list] = mapped_column(JSON, default=list)
    """[{"text": str, "spans": [[offset, x, y, size], …]}, …], page 1 first."""
    ok: Mapped[bool] = mapped_column(default=True)
    """False when the text could not be read (a scan, a refusal): nothing matches by text."""
    extracted_at: Mapped[datetime] = mapped_column(default=utcnow)


class Opinion(Base):
    """A delegate's comment to the secretariat (góp ý) on an agenda item or a place in a
    document; not private: the secretariat collects them per item and answers."""

    __tablename__ = "opinions"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                           index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="SET NULL"), index=True)
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"))
    version_number: Mapped[int | None]
    page: Mapped[int | None]
    quote: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
