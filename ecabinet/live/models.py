"""The room's state that outlives a process: who is present at a meeting, since when."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ecabinet.core.models import Base, enum_column


class Presence(enum.StrEnum):
    PRESENT = "present"
    ABSENT = "absent"
    """Marked absent by the secretary, with a reason."""
    REPRESENTED = "represented"
    """Absent, represented by their deputy (`Attendance.deputy_id`)."""


class Attendance(Base):
    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    presence: Mapped[Presence] = mapped_column(enum_column(Presence))
    reason: Mapped[str] = mapped_column(String(300), default="")
    at: Mapped[datetime]
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    """Who recorded it: the person themself on check-in, or the secretary."""
    deputy_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    """The deputy taking part in their place, when REPRESENTED."""


class RoomState(Base):
    """One row per meeting once it starts: what everyone's screen follows."""

    __tablename__ = "room_states"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            primary_key=True)
    started_at: Mapped[datetime]
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    ended_at: Mapped[datetime | None]
    current_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="SET NULL"))
    presenting_document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"))
    presenting_page: Mapped[int | None]
    version: Mapped[int] = mapped_column(default=1)
    """Bumped on every change, so a reconnecting client knows whether its copy is stale."""


class SpeakerStatus(enum.StrEnum):
    WAITING = "waiting"
    SPEAKING = "speaking"
    DONE = "done"
    WITHDRAWN = "withdrawn"


class SpeakerRequest(Base):
    """A request to speak on an item, and when the floor was given and taken back."""

    __tablename__ = "speaker_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="SET NULL"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[SpeakerStatus] = mapped_column(enum_column(SpeakerStatus))
    requested_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    limit_s: Mapped[int | None]
    """The turn's time limit given with the floor, if any: shown, never enforced."""
