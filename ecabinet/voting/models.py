"""Polls and ballots. The database enforces one ballot per voter per poll.

A named poll keeps each ballot with its voter. A secret poll keeps who voted (`secret_voters`)
apart from what was voted (`secret_ballots`): no shared id, no timestamps, random primary keys,
so that neither the row order nor any column joins the two.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ecabinet.core.models import Base, enum_column


class PollKind(enum.StrEnum):
    NAMED = "named"
    SECRET = "secret"  # noqa: S105 - a kind of poll, not a password


class PollStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class MajorityRule(enum.StrEnum):
    """Which share of whom must choose the motion (choice 0) for it to pass."""

    HALF_OF_MEMBERS = "half_members"
    """More than half of all members in office: the Law on Local Government's default."""
    TWO_THIRDS_OF_MEMBERS = "two_thirds"
    HALF_OF_PRESENT = "half_present"
    """More than half of the members present when the poll opened."""


class Poll(Base):
    __tablename__ = "polls"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="SET NULL"))
    question: Mapped[str] = mapped_column(String(500))
    choices: Mapped[str] = mapped_column(Text)
    """JSON list of the choices' labels; choice 0 is the motion ("Tán thành")."""
    max_choices: Mapped[int] = mapped_column(default=1)
    kind: Mapped[PollKind] = mapped_column(enum_column(PollKind))
    majority: Mapped[MajorityRule] = mapped_column(enum_column(MajorityRule))
    allow_change: Mapped[bool] = mapped_column(default=False)
    status: Mapped[PollStatus] = mapped_column(enum_column(PollStatus), index=True)
    members_in_office: Mapped[int]
    present_at_open: Mapped[int]
    quorum_overridden: Mapped[bool] = mapped_column(default=False)
    receipt_key: Mapped[str] = mapped_column(String(64))
    """Per-poll HMAC key: a receipt is HMAC(key, the client's token), recomputable on a retry
    from the token alone, so a secret ballot needs no link to its voter."""
    closes_at: Mapped[datetime | None]
    opened_at: Mapped[datetime]
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    result: Mapped[str] = mapped_column(Text, default="")
    """JSON of the tally and outcome, written once at closing and never again."""
    chain_head: Mapped[str] = mapped_column(String(64), default="")


class NamedBallot(Base):
    __tablename__ = "named_ballots"
    __table_args__ = (UniqueConstraint("poll_id", "voter_id", name="uq_named_ballots_voter"),
                      UniqueConstraint("poll_id", "receipt", name="uq_named_ballots_receipt"))

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    voter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    choices: Mapped[str] = mapped_column(String(200))
    """JSON list of chosen indexes."""
    receipt: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64))


class SecretVoter(Base):
    """That a person voted in a secret poll, and nothing about how."""

    __tablename__ = "secret_voters"
    __table_args__ = (UniqueConstraint("poll_id", "voter_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    voter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    token_hash: Mapped[str] = mapped_column(String(64))


class SecretBallot(Base):
    """What was voted in a secret poll, with its receipt, and nothing about who."""

    __tablename__ = "secret_ballots"
    __table_args__ = (UniqueConstraint("poll_id", "receipt"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    choices: Mapped[str] = mapped_column(String(200))
    receipt: Mapped[str] = mapped_column(String(20))
