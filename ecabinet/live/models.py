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
