"""Units (organisations, some of them bodies), users, their roles and their sessions."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecabinet.core.models import Base, CreatedAtMixin, enum_column


class UnitKind(enum.StrEnum):
    PROVINCE = "province"
    COMMUNE = "commune"
    WARD = "ward"
    SPECIAL_ZONE = "special_zone"
    DEPARTMENT = "department"
    OFFICE = "office"
    OTHER = "other"


class RoleKind(enum.StrEnum):
    """System-wide roles; per-meeting roles (chair, delegate, guest) belong to meetings."""

    ADMIN = "admin"
    SECRETARIAT = "secretariat"  # of a body: prepares its meetings
    MEMBER = "member"  # of a body: may be invited and vote
    CHAIR = "chair"  # a leader of a body: may chair its meetings, approves agendas
    CLERK = "clerk"  # văn thư of a unit: acts for the unit's inbox


# Roles that only make sense with a unit; for CHAIR, MEMBER and SECRETARIAT that unit is a body.
SCOPED_ROLES = {RoleKind.SECRETARIAT, RoleKind.MEMBER, RoleKind.CHAIR, RoleKind.CLERK}
BODY_ROLES = {RoleKind.SECRETARIAT, RoleKind.MEMBER, RoleKind.CHAIR}


class Unit(CreatedAtMixin, Base):
    """An organisation in the tree: a province, a commune or ward, a department, an office.

    A unit that is a *body* (cơ quan ban hành) holds meetings and numbers its documents.
    """

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(80), default="")
    code: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[UnitKind] = mapped_column(
        enum_column(UnitKind))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    is_body: Mapped[bool] = mapped_column(default=False)
    # For a body: the place written before the date ("Hà Tĩnh, ngày …") and the
    # abbreviation in its document numbers ("05/TB-UBND").
    place_name: Mapped[str] = mapped_column(String(80), default="")
    abbreviation: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    is_active: Mapped[bool] = mapped_column(default=True)

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent", order_by="Unit.name")

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"


class User(CreatedAtMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    position: Mapped[str] = mapped_column(String(120), default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(8), default="vi")
    is_active: Mapped[bool] = mapped_column(default=True)
    password_changed_at: Mapped[datetime | None]

    unit: Mapped[Unit | None] = relationship()
    roles: Mapped[list[RoleAssignment]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    # Flask-Login protocol, kept here because it is a property of who the user is.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    def has_role(self, kind: RoleKind, unit_id: int | None = None) -> bool:
        """Tell whether the user holds `kind`, for `unit_id` when one is given."""
        return any(
            r.role == kind and (unit_id is None or r.unit_id == unit_id) for r in self.roles
        )

    def unit_ids_for(self, kind: RoleKind) -> set[int]:
        return {r.unit_id for r in self.roles if r.role == kind and r.unit_id is not None}

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class RoleAssignment(Base):
    __tablename__ = "role_assignments"
    __table_args__ = (UniqueConstraint("user_id", "role", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[RoleKind] = mapped_column(
        enum_column(RoleKind))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)

    user: Mapped[User] = relationship(back_populates="roles")
    unit: Mapped[Unit | None] = relationship(lazy="joined")


class UserSession(CreatedAtMixin, Base):
    """A signed-in device; the cookie carries its token, the row lets us end it from outside."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    ended_at: Mapped[datetime | None]


class LoginAttempt(Base):
    """One try at signing in, kept to throttle guessing across every server process."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_username_at", "username", "at"),
        Index("ix_login_attempts_ip_at", "ip", "at"),
        Index("ix_login_attempts_username_ip_at", "username", "ip", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
    succeeded: Mapped[bool]
