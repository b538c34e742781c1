"""The conclusion notice of a meeting (Thông báo kết luận), its sections, tasks and numbering."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecabinet.core.models import Base, CreatedAtMixin, enum_column


class ConclusionStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # waiting for the chair: sign or return
    RETURNED = "returned"  # back with the secretariat, with the chair's comment
    SIGNED = "signed"  # the chair's signature; waiting for the clerk
    ISSUED = "issued"  # number, date and the organisation's seal
    DISPATCHED = "dispatched"


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

    section: Mapped[ConclusionSection] = relationship(back_populates="tasks")


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
