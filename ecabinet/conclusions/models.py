"""The conclusion notice of a meeting (Thông báo kết luận), its sections, tasks and numbering."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecabinet.core.models import Base, CreatedAtMixin, enum_column


class ConclusionStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # waiting for the chair: sign or return
    RETURNED = "returned"  # back with the secretariat, with the chair's comment
    SIGNED = "signed"  # the chair's signature; waiting for the clerk
    ISSUED = "issued"  # number, date and the organisation's seal
    DISPATCHED = "dispatched"


class TaskStatus(enum.StrEnum):
    OPEN = "open"  # being carried out (or reopened by the secretariat)
    DONE = "done"  # the unit reported it done; the secretariat accepts or reopens
    ACCEPTED = "accepted"


class DeliveryStatus(enum.StrEnum):
    QUEUED = "queued"
    DELIVERED = "delivered"
    RETRYING = "retrying"
    FAILED = "failed"


class Channel(enum.StrEnum):
    INBOX = "inbox"
    MAIL = "mail"
    WEBHOOK = "webhook"


EDITABLE = frozenset({ConclusionStatus.DRAFT, ConclusionStatus.RETURNED})


class Conclusion(CreatedAtMixin, Base):
    """One notice per meeting. Its number exists only once issued, so drafts leave no gap."""

    __tablename__ = "conclusions"
    __table_args__ = (UniqueConstraint("body_id", "year", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            unique=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    status: Mapped[ConclusionStatus] = mapped_column(enum_column(ConclusionStatus))
    chaired_by: Mapped[str] = mapped_column(Text, default="")
    attended_by: Mapped[str] = mapped_column(Text, default="")
    return_comment: Mapped[str] = mapped_column(Text, default="")
    # Bumped on every edit: a preview or a signature names the revision it shows.
    revision: Mapped[int] = mapped_column(default=1)
    signer_name: Mapped[str] = mapped_column(String(120), default="")
    signer_position: Mapped[str] = mapped_column(String(120), default="")
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime | None]
    signed_pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    # Where the renderer left the blanks, so the clerk's marks land in them (JSON of points).
    layout: Mapped[dict | None] = mapped_column(JSON)
    year: Mapped[int | None]
    number: Mapped[int | None]
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime | None]
    issued_pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    issued_sha256: Mapped[str | None] = mapped_column(String(64), index=True)

    sections: Mapped[list[ConclusionSection]] = relationship(
        back_populates="conclusion", cascade="all, delete-orphan",
        order_by="ConclusionSection.position")
    recipients: Mapped[list[ConclusionRecipient]] = relationship(
        back_populates="conclusion", cascade="all, delete-orphan",
        order_by="ConclusionRecipient.position")


class ConclusionSection(Base):
    """What the chair concluded on one agenda item (or a general point)."""

    __tablename__ = "conclusion_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    conclusion_id: Mapped[int] = mapped_column(
        ForeignKey("conclusions.id", ondelete="CASCADE"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(500))
    # Sanitised HTML: paragraphs, numbered lists, bold and italics only (see sanitize.py).
    text_html: Mapped[str] = mapped_column(Text, default="")

    conclusion: Mapped[Conclusion] = relationship(back_populates="sections")
    tasks: Mapped[list[ConclusionTask]] = relationship(
        back_populates="section", cascade="all, delete-orphan", order_by="ConclusionTask.id")


class ConclusionTask(Base):
    """A task the notice assigns: who leads, who helps, what, by when."""

    __tablename__ = "conclusion_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(
        ForeignKey("conclusion_sections.id", ondelete="CASCADE"), index=True)
    responsible_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    cooperating_unit_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    content: Mapped[str] = mapped_column(Text)
    deadline: Mapped[date | None] = mapped_column(Date)
    # Following the task once the notice is dispatched (see tasks.py).
    status: Mapped[TaskStatus] = mapped_column(enum_column(TaskStatus),
                                               default=TaskStatus.OPEN,
                                               server_default=TaskStatus.OPEN.value)
    done_at: Mapped[datetime | None]
    accepted_at: Mapped[datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The local day each reminder went out, so the periodic task sends it once.
    reminded_soon_on: Mapped[date | None] = mapped_column(Date)
    reminded_overdue_on: Mapped[date | None] = mapped_column(Date)

    section: Mapped[ConclusionSection] = relationship(back_populates="tasks")
    reports: Mapped[list[TaskReport]] = relationship(
        back_populates="task", cascade="all, delete-orphan", order_by="TaskReport.id")


class ConclusionRecipient(Base):
    """A unit in "Nơi nhận"."""

    __tablename__ = "conclusion_recipients"
    __table_args__ = (UniqueConstraint("conclusion_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conclusion_id: Mapped[int] = mapped_column(
        ForeignKey("conclusions.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    position: Mapped[int] = mapped_column(default=0)

    conclusion: Mapped[Conclusion] = relationship(back_populates="recipients")


class NumberCounter(Base):
    """The last number a body gave a notice in a year; its row lock serialises issuing."""

    __tablename__ = "conclusion_numbers"

    body_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


class ConclusionDispatch(Base):
    """The issued notice sent to one unit of "Nơi nhận": when, who opened and acknowledged it."""

    __tablename__ = "conclusion_dispatches"
    __table_args__ = (UniqueConstraint("conclusion_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conclusion_id: Mapped[int] = mapped_column(
        ForeignKey("conclusions.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    sent_at: Mapped[datetime]
    resent_at: Mapped[datetime | None]
    opened_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reminded_at: Mapped[datetime | None]
    reminders: Mapped[int] = mapped_column(default=0)

    conclusion: Mapped[Conclusion] = relationship()
    deliveries: Mapped[list[DispatchDelivery]] = relationship(
        back_populates="dispatch", cascade="all, delete-orphan", order_by="DispatchDelivery.id")


class DispatchDelivery(CreatedAtMixin, Base):
    """One way the notice went to the unit: its inbox, a clerk's mail, or the unit's webhook.

    A mail's own state is the outbox row's (notify); a webhook's is kept here, with the
    worker's lease and back-off, as notify keeps a mail's.
    """

    __tablename__ = "conclusion_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    dispatch_id: Mapped[int] = mapped_column(
        ForeignKey("conclusion_dispatches.id", ondelete="CASCADE"), index=True)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel))
    status: Mapped[DeliveryStatus] = mapped_column(enum_column(DeliveryStatus))
    mail_id: Mapped[int | None] = mapped_column(
        ForeignKey("outgoing_mails.id", ondelete="SET NULL"), index=True)
    target: Mapped[str] = mapped_column(String(500), default="")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error_code: Mapped[str] = mapped_column(String(40), default="")
    last_error: Mapped[str] = mapped_column(Text, default="")
    next_attempt_at: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]

    dispatch: Mapped[ConclusionDispatch] = relationship(back_populates="deliveries")


class UnitWebhook(Base):
    """Where a unit's own system receives notices; the secret is sealed with the server's key."""

    __tablename__ = "unit_webhooks"

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"),
                                         primary_key=True, autoincrement=False)
    url: Mapped[str] = mapped_column(String(500))
    secret_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class TaskReport(CreatedAtMixin, Base):
    """A step in following a task: the unit's progress report, or the secretariat's word."""

    __tablename__ = "conclusion_task_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(
        ForeignKey("conclusion_tasks.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The unit that reported (none for the secretariat's word, and for reports made before
    # co-operating units could report).
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    # progress | done (the leading unit) | cooperating (a co-operating unit's part) |
    # accepted | reopened (the secretariat)
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(200), default="")

    task: Mapped[ConclusionTask] = relationship(back_populates="reports")


class VerificationCheck(Base):
    """One public check of a notice (an upload or a look-up by number), kept for the
    throttle's window so that every server process counts alike: a signed-in person's
    checks count for their account (a ward office's clerks share one NAT address with the
    public), the others' for their address."""

    __tablename__ = "verification_checks"
    __table_args__ = (Index("ix_verification_checks_ip_at", "ip", "at"),
                      Index("ix_verification_checks_user_id_at", "user_id", "at"),
                      Index("ix_verification_checks_at", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    ip: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    at: Mapped[datetime]
