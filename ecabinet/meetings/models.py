"""Meetings of a body and who takes part in them (the agenda and documents come next)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecabinet.accounts.models import Unit, User
from ecabinet.core.models import Base, CreatedAtMixin


def _values(kind: type[enum.Enum]) -> list[str]:
    return [member.value for member in kind]


class MeetingKind(enum.StrEnum):
    REGULAR = "regular"
    THEMATIC = "thematic"
    EXTRAORDINARY = "extraordinary"


class MeetingStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    PUBLISHED = "published"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"
    FINISHED = "finished"


class Confidentiality(enum.StrEnum):
    NORMAL = "normal"
    CONFIDENTIAL = "confidential"


class ParticipantRole(enum.StrEnum):
    CHAIR = "chair"
    SECRETARY = "secretary"
    DELEGATE = "delegate"  # a member: may vote
    GUEST = "guest"  # may read and speak, may not vote


class Meeting(CreatedAtMixin, Base):
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[MeetingKind] = mapped_column(
        Enum(MeetingKind, native_enum=False, length=20, values_callable=_values))
    status: Mapped[MeetingStatus] = mapped_column(
        Enum(MeetingStatus, native_enum=False, length=20, values_callable=_values), index=True)
    confidentiality: Mapped[Confidentiality] = mapped_column(
        Enum(Confidentiality, native_enum=False, length=20, values_callable=_values))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    body: Mapped[Unit] = relationship()
    participants: Mapped[list[MeetingParticipant]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", lazy="selectin")


class MeetingParticipant(Base):
    __tablename__ = "meeting_participants"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[ParticipantRole] = mapped_column(
        Enum(ParticipantRole, native_enum=False, length=20, values_callable=_values))

    meeting: Mapped[Meeting] = relationship(back_populates="participants")
    user: Mapped[User] = relationship(lazy="joined")
