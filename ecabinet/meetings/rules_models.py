"""A body's own meeting rules (notice periods) and the record of each publication's timing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from ecabinet.core.models import Base

DEFAULT_REGULAR_NOTICE_WORKING_DAYS = 3
DEFAULT_THEMATIC_NOTICE_DAYS = 1
DEFAULT_EXTRAORDINARY_NOTICE_DAYS = 1


class BodyRules(Base):
    """Notice periods of one body (Law on Local Government, Art. 114, unless its regulation
    sets others). A body without a row follows the law's defaults."""

    __tablename__ = "body_rules"

    body_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"),
                                         primary_key=True)
    regular_notice_working_days: Mapped[int] = mapped_column(
        default=DEFAULT_REGULAR_NOTICE_WORKING_DAYS)
    thematic_notice_days: Mapped[int] = mapped_column(default=DEFAULT_THEMATIC_NOTICE_DAYS)
    extraordinary_notice_days: Mapped[int] = mapped_column(
        default=DEFAULT_EXTRAORDINARY_NOTICE_DAYS)
    updated_at: Mapped[datetime | None]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class MeetingPublication(Base):
    """One publication of a meeting (a postponed meeting is published again): when, against
    which deadline, and whether it was late."""

    __tablename__ = "meeting_publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            index=True)
    published_at: Mapped[datetime]
    deadline: Mapped[datetime]
    late: Mapped[bool]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
