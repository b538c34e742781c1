"""In-app notifications and the outbox of e-mails, kept until delivered or given up."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ecabinet.core.models import Base, CreatedAtMixin, enum_column


class Notification(CreatedAtMixin, Base):
    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    # Message parameters (JSON): the text is rendered in the reader's language when shown.
    params: Mapped[str] = mapped_column(Text, default="{}")
    url: Mapped[str] = mapped_column(String(300), default="")
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    read_at: Mapped[datetime | None]


class MailStatus(enum.StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    RETRYING = "retrying"
    FAILED = "failed"


class OutgoingMail(CreatedAtMixin, Base):
    """A mail to send; the worker retries with back-off and the secretariat sees its state."""

    __tablename__ = "outgoing_mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    ics: Mapped[str | None] = mapped_column(Text)
    status: Mapped[MailStatus] = mapped_column(enum_column(MailStatus), index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    # The last failure: a code from notify.reasons (shown in words) and the technical text.
    last_error_code: Mapped[str] = mapped_column(String(40), default="")
    last_error: Mapped[str] = mapped_column(Text, default="")
    # When the worker will try again (status `retrying`); None otherwise.
    next_attempt_at: Mapped[datetime | None]
    # While an attempt is in flight: when it started (a lease that lapses if a worker dies).
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
