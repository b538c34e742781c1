"""Meetings of a body and who takes part in them (the agenda and documents come next)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecabinet.accounts.models import Unit, User
from ecabinet.core.models import Base, CreatedAtMixin, enum_column


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
        enum_column(MeetingKind))
    status: Mapped[MeetingStatus] = mapped_column(
        enum_column(MeetingStatus), index=True)
    confidentiality: Mapped[Confidentiality] = mapped_column(
        enum_column(Confidentiality))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Confidential meetings are read in the browser only, unless the secretariat allows it.
    allow_downloads: Mapped[bool] = mapped_column(default=False)
    review_comment: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None]
    # Bumped on every change, so two secretaries editing at once do not overwrite each other.
    revision: Mapped[int] = mapped_column(default=1)

    body: Mapped[Unit] = relationship()
    # Loaded when first used, not with every meeting: a room event of a 1000-member meeting
    # must not load 1000 participants, users and roles to check one of them.
    participants: Mapped[list[MeetingParticipant]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan")
    invited_units: Mapped[list[MeetingUnit]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan")
    agenda: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="AgendaItem.position")


class MeetingParticipant(Base):
    __tablename__ = "meeting_participants"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[ParticipantRole] = mapped_column(
        enum_column(ParticipantRole))

    meeting: Mapped[Meeting] = relationship(back_populates="participants")
    user: Mapped[User] = relationship(lazy="joined")


class MeetingUnit(Base):
    """A unit invited to a meeting; its clerks see the documents marked for units."""

    __tablename__ = "meeting_units"
    __table_args__ = (UniqueConstraint("meeting_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)

    meeting: Mapped[Meeting] = relationship(back_populates="invited_units")
    unit: Mapped[Unit] = relationship(lazy="joined")


class AgendaItem(Base):
    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(500))
    presenter_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    presenter_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    duration_minutes: Mapped[int] = mapped_column(default=15)
    needs_vote: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str] = mapped_column(Text, default="")

    meeting: Mapped[Meeting] = relationship(back_populates="agenda")
    presenter_user: Mapped[User | None] = relationship()
    presenter_unit: Mapped[Unit | None] = relationship()
