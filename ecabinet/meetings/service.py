"""Reading meetings for a user; preparation and approval come with the meetings issue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from ecabinet.accounts.models import RoleKind, User
from ecabinet.audit import service as audit
from ecabinet.core.errors import Forbidden, NotFound
from ecabinet.core.timeutil import utcnow
from ecabinet.extensions import db
from ecabinet.meetings.models import (
    Confidentiality,
    Meeting,
    MeetingKind,
    MeetingParticipant,
    MeetingStatus,
    ParticipantRole,
)
from ecabinet.meetings.permissions import can_view_meeting


@dataclass(frozen=True)
class MeetingData:
    body_id: int
    title: str
    kind: MeetingKind
    starts_at: datetime
    ends_at: datetime
    place: str = ""
    description: str = ""
    confidentiality: Confidentiality = Confidentiality.NORMAL


def create_meeting(data: MeetingData, participants: dict[int, ParticipantRole], *,
                   actor: User | None, status: MeetingStatus = MeetingStatus.DRAFT) -> Meeting:
    """Create a meeting with its participants (user id -> role)."""
    meeting = Meeting(**vars(data), status=status, created_by_id=getattr(actor, "id", None))
    meeting.participants = [MeetingParticipant(user_id=uid, role=role)
                            for uid, role in participants.items()]
    db.session.add(meeting)
    db.session.flush()
    audit.record("meeting.created", actor=actor, object_type="meeting", object_id=meeting.id,
                 details={"title": data.title, "status": status.value})
    db.session.commit()
    return meeting


def upcoming_meetings(user: User, *, now: datetime | None = None) -> list[Meeting]:
    """Meetings the user may see that have not ended more than a day ago, soonest first."""
    now = now or utcnow()
    secretariat_of = user.unit_ids_for(RoleKind.SECRETARIAT)
    query = (
        select(Meeting)
        .outerjoin(MeetingParticipant, (MeetingParticipant.meeting_id == Meeting.id)
                   & (MeetingParticipant.user_id == user.id))
        .where(Meeting.ends_at >= now - timedelta(days=1))
        .where(or_(MeetingParticipant.id.is_not(None), Meeting.body_id.in_(secretariat_of)))
        .order_by(Meeting.starts_at)
    )
    meetings = db.session.execute(query).unique().scalars().all()
    return [m for m in meetings if can_view_meeting(m, user)]


def get_meeting_for(meeting_id: int, user: User) -> Meeting:
    """Load a meeting the user may see.

    :raises NotFound: when there is no such meeting.
    :raises Forbidden: when the user may not see it (and the refusal is audited).
    """
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(_l("Meeting %(id)s does not exist.", id=meeting_id))
    if not can_view_meeting(meeting, user):
        audit.record("access.denied", actor=user, object_type="meeting", object_id=meeting_id)
        db.session.commit()
        raise Forbidden(_l("You are not invited to this meeting."))
    return meeting
