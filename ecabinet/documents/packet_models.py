"""A reader's packet build: what it holds (the plan), how far it got, where the file is cached.

One row per (reader, packet contents): the cache key names both, so a second request for the
same packet finds the row and joins its build, and a changed document makes a new key.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ecabinet.core.models import Base, enum_column


class PacketState(enum.StrEnum):
    QUEUED = "queued"
    BUILDING = "building"
    READY = "ready"
    FAILED = "failed"


class PacketBuild(Base):
    __tablename__ = "packet_builds"

    id: Mapped[int] = mapped_column(primary_key=True)
    cache_key: Mapped[str] = mapped_column(String(64), unique=True)
    """SHA-256 of the reader and of every version and bookmark in the packet (storage cache)."""
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    state: Mapped[PacketState] = mapped_column(enum_column(PacketState), index=True)
    plan: Mapped[str] = mapped_column(Text)
    """JSON: the watermark lines and, per agenda item, its documents' titles and file hashes."""
    pages_total: Mapped[int] = mapped_column(default=0)
    pages_done: Mapped[int] = mapped_column(default=0)
    size: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(String(64), default="")
    """A stable code when the build failed (e.g. ``packet_empty``, ``storage_error``)."""
    requested_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
