"""How each invited person answered a meeting's invitation, and when they were reminded."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ecabinet.core.models import Base, enum_column


class Answer(enum.StrEnum):
    ATTEND = "attend"
    DECLINE = "decline"
    """Will not attend; a reason is required."""
    DEPUTY = "deputy"
    """Sends a person of their own unit in their place (cử người dự thay)."""


class InvitationAnswer(Base):
    """One row per invited person of a meeting, once they answered or were reminded."""

    __tablename__ = "invitation_answers"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    """The invited person (a participant of the meeting)."""
    answer: Mapped[Answer | None] = mapped_column(enum_column(Answer))
    """None while they have not answered (the row then only records a reminder)."""
    reason: Mapped[str] = mapped_column(String(500), default="")
    deputy_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    """Who takes part in their place, when the answer is DEPUTY."""
    answered_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    """The last reminder sent to them about this meeting."""
