"""Attendance and quorum: who is present, of how many members in office, and whether that is
enough for the meeting to proceed (Law on Local Government: at least two thirds)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ecabinet.accounts import service as accounts
from ecabinet.accounts.models import RoleKind, User
from ecabinet.audit import service as audit
from ecabinet.core.errors import EcabinetError
from ecabinet.core.timeutil import utcnow
from ecabinet.extensions import db
from ecabinet.live.models import Attendance, Presence
from ecabinet.meetings.models import Meeting
from ecabinet.meetings.permissions import participant_role


class NotAParticipant(EcabinetError):
    code = "not_participant"
    http_status = 403


class TooEarly(EcabinetError):
    code = "too_early"
    http_status = 409


@dataclass(frozen=True)
class Quorum:
    present: int
    """Members of the body present at the meeting."""
    in_office: int
    """Members of the body in office (active accounts holding the member role)."""
    required: int

    @property
    def reached(self) -> bool:
        return self.in_office > 0 and self.present >= self.required


def _record(meeting: Meeting, user: User, presence: Presence, *, by: User | None,
            reason: str = "", deputy: User | None = None) -> Attendance:
    row = db.session.execute(select(Attendance).where(
        Attendance.meeting_id == meeting.id, Attendance.user_id == user.id)).scalar_one_or_none()
    if row is None:
        row = Attendance(meeting_id=meeting.id, user_id=user.id)
        db.session.add(row)
    row.presence, row.reason, row.at = presence, reason[:300], utcnow()
    row.marked_by_id = getattr(by, "id", None)
    row.deputy_id = getattr(deputy, "id", None)
    audit.record(f"attendance.{presence.value}", actor=by, object_type="meeting",
                 object_id=meeting.id, details={"user": user.id, "reason": reason[:300],
                                                **({"deputy": deputy.id} if deputy else {})})
    db.session.commit()
    return row


def mark(meeting: Meeting, user: User, presence: Presence, *, by: User | None,
         reason: str = "") -> Attendance:
    """Record a participant present or absent (checking in, or the secretary's marking).

    :raises NotAParticipant: for someone who does not take part in the meeting.
    """
    if participant_role(meeting, user) is None:  # a deputy takes part too
        raise NotAParticipant(_l("%(name)s does not take part in this meeting.",
                                 name=user.full_name))
    return _record(meeting, user, presence, by=by, reason=reason)


def mark_represented(meeting: Meeting, user: User, deputy: User, *,
                     by: User | None) -> Attendance:
    """Record an invited person as represented by the deputy taking part in their place.

    :raises NotAParticipant: the person is not invited, or the deputy does not take part.
    """
    if not any(p.user_id == user.id for p in meeting.participants):
        raise NotAParticipant(_l("%(name)s does not take part in this meeting.",
                                 name=user.full_name))
    if deputy.id == user.id or participant_role(meeting, deputy) is None:
        raise NotAParticipant(_l("%(name)s does not take part in this meeting.",
                                 name=deputy.full_name))
    row = _record(meeting, user, Presence.REPRESENTED, by=by,
                  reason=str(_l("Represented by đồng chí %(name)s", name=deputy.full_name)),
                  deputy=deputy)
    return row


def check_in(meeting: Meeting, user: User, *, now=None) -> Attendance:
    """A participant checks in from their own device: once the meeting has started, or within
    the window before its start (LIVE_CHECK_IN_MINUTES, 30 by default).

    :raises TooEarly: before that.
    """
    from ecabinet.live.room import room_of

    now = now or utcnow()
    window = timedelta(minutes=current_app.config.get("LIVE_CHECK_IN_MINUTES", 30))
    room = room_of(meeting)
    if not (room and room.ended_at is None) and now < meeting.starts_at - window:
        raise TooEarly(_l("Check-in opens %(minutes)d minutes before the meeting starts.",
                          minutes=int(window.total_seconds() // 60)))
    return mark(meeting, user, Presence.PRESENT, by=user)


def present_ids(meeting: Meeting) -> set[int]:
    return set(db.session.execute(select(Attendance.user_id).where(
        Attendance.meeting_id == meeting.id,
        Attendance.presence == Presence.PRESENT)).scalars())


def is_present(meeting: Meeting, user_id: int) -> bool:
    return db.session.execute(select(Attendance.id).where(
        Attendance.meeting_id == meeting.id, Attendance.user_id == user_id,
        Attendance.presence == Presence.PRESENT)).first() is not None


def represented(meeting: Meeting) -> dict[int, int]:
    """Invited person's id → the deputy recorded as taking part in their place."""
    rows = db.session.execute(select(Attendance.user_id, Attendance.deputy_id).where(
        Attendance.meeting_id == meeting.id, Attendance.presence == Presence.REPRESENTED))
    return {user_id: deputy_id for user_id, deputy_id in rows if deputy_id}


def member_ids(meeting: Meeting) -> set[int]:
    """The body's members in office: those who count for quorum and majorities."""
    return accounts.user_ids_with_role(RoleKind.MEMBER, meeting.body_id)


def quorum(meeting: Meeting, share: tuple[int, int] = (2, 3)) -> Quorum:
    """Members present of members in office, against `share` of them (two thirds by default)."""
    members = member_ids(meeting)
    present = len(members & present_ids(meeting))
    required = math.ceil(len(members) * share[0] / share[1])
    return Quorum(present=present, in_office=len(members), required=required)
