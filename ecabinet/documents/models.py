"""A meeting's documents, their versions (files kept by content hash) and who read what."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecabinet.accounts.models import User
from ecabinet.core.models import Base, CreatedAtMixin


class Document(CreatedAtMixin, Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="SET NULL"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(300))
    # Shown to the clerks of the invited units too (not only to the participants).
    for_units: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    removed_at: Mapped[datetime | None]

    versions: Mapped[list[DocumentVersion]] = relationship(
        back_populates="document", cascade="all, delete-orphan",
        order_by="DocumentVersion.number", lazy="selectin")

    @property
    def current(self) -> DocumentVersion | None:
        return self.versions[-1] if self.versions else None


class DocumentVersion(Base):
    """One uploaded file of a document; replacing a document adds a version, never overwrites."""

    __tablename__ = "document_versions"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"),
                                             index=True)
    number: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int]
    page_count: Mapped[int]
    filename: Mapped[str] = mapped_column(String(255))
    change_note: Mapped[str] = mapped_column(Text, default="")
    stripped: Mapped[str] = mapped_column(String(200), default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime]

    document: Mapped[Document] = relationship(back_populates="versions")
    uploaded_by: Mapped[User | None] = relationship()


class DocumentRead(Base):
    """When a user first and last opened a document, and which version they last saw."""

    __tablename__ = "document_reads"
    __table_args__ = (UniqueConstraint("document_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"),
                                             index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    version_seen: Mapped[int]
    first_opened_at: Mapped[datetime]
    last_opened_at: Mapped[datetime]
