"""Create, change and read meetings; every write is checked, audited and committed here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from ecabinet.accounts import service as accounts
from ecabinet.accounts.models import RoleKind, Unit, User
from ecabinet.audit import service as audit
from ecabinet.core.collation import sort_key
from ecabinet.core.errors import Forbidden, NotFound
from ecabinet.core.timeutil import utcnow
from ecabinet.extensions import db
from ecabinet.meetings.errors import InvalidMeeting, StaleEdit, WrongState
from ecabinet.meetings.labels import status_label
from ecabinet.meetings.models import (
    Confidentiality,
    Meeting,
    MeetingKind,
    MeetingParticipant,
    MeetingStatus,
    MeetingUnit,
    ParticipantRole,
)
from ecabinet.meetings.permissions import can_view_meeting, forget_roles
from ecabinet.meetings.states import EDITABLE


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
    allow_downloads: bool = False


@dataclass(frozen=True)
class Attendance:
    """Who takes part: one chair, one secretary, delegates who vote, guests who do not."""

    chair_id: int
    secretary_id: int | None = None
    delegate_ids: tuple[int, ...] = ()
    guest_ids: tuple[int, ...] = ()
    unit_ids: tuple[int, ...] = field(default=())
    """Units invited to the meeting; their clerks receive the documents marked for units."""

    def roles(self) -> dict[int, ParticipantRole]:
        """User id -> role; a person listed twice keeps the stronger role."""
        roles = {uid: ParticipantRole.GUEST for uid in self.guest_ids}
        roles |= {uid: ParticipantRole.DELEGATE for uid in self.delegate_ids}
        if self.secretary_id:
            roles[self.secretary_id] = ParticipantRole.SECRETARY
        roles[self.chair_id] = ParticipantRole.CHAIR
        return roles


def _check(data: MeetingData) -> None:
    if not data.title.strip():
        raise InvalidMeeting(_l("A meeting needs a title."))
    if data.ends_at <= data.starts_at:
        raise InvalidMeeting(_l("The meeting must end after it starts."))
    if data.ends_at - data.starts_at > timedelta(days=7):
        raise InvalidMeeting(_l("A meeting cannot last more than seven days."))


def _check_attendance(body_id: int, attendance: Attendance) -> None:
    users = accounts.get_users(attendance.roles())
    if set(users) != set(attendance.roles()) or not all(u.is_active for u in users.values()):
        raise InvalidMeeting(_l("Some of the chosen people do not exist or are deactivated."))
    if not users[attendance.chair_id].has_role(RoleKind.CHAIR, body_id):
        raise InvalidMeeting(_l("The chair must be a leader (chair role) of the body."))
    if set(accounts.get_units(attendance.unit_ids)) != set(attendance.unit_ids):
        raise InvalidMeeting(_l("Some of the invited units do not exist."))


def _apply_attendance(meeting: Meeting, attendance: Attendance) -> None:
    wanted = attendance.roles()
    kept = []
    for participant in meeting.participants:
        if participant.user_id in wanted:
            participant.role = wanted.pop(participant.user_id)
            kept.append(participant)
    meeting.participants = kept + [MeetingParticipant(user_id=uid, role=role)
                                   for uid, role in wanted.items()]
    current = {mu.unit_id: mu for mu in meeting.invited_units}
    meeting.invited_units = [current.get(uid) or MeetingUnit(unit_id=uid)
                             for uid in dict.fromkeys(attendance.unit_ids)]
    forget_roles()


def create_meeting(data: MeetingData, attendance: Attendance | dict[int, ParticipantRole], *,
                   actor: User | None, status: MeetingStatus = MeetingStatus.DRAFT) -> Meeting:
    """Create a meeting of a body with the people and units taking part."""
    _check(data)
    meeting = Meeting(**vars(data), status=status, created_by_id=getattr(actor, "id", None))
    if isinstance(attendance, Attendance):
        _check_attendance(data.body_id, attendance)
        _apply_attendance(meeting, attendance)
    else:  # a ready map of roles, as demo data and tests build it
        meeting.participants = [MeetingParticipant(user_id=uid, role=role)
                                for uid, role in attendance.items()]
    if status == MeetingStatus.PUBLISHED:
        meeting.published_at = utcnow()
    db.session.add(meeting)
    db.session.flush()
    audit.record("meeting.created", actor=actor, object_type="meeting", object_id=meeting.id,
                 details={"title": data.title, "status": status.value})
    db.session.commit()
    return meeting


def update_meeting(meeting: Meeting, data: MeetingData, attendance: Attendance, *,
                   actor: User, revision: int) -> list[str]:
    """Change details and attendance; return the names of what changed.

    :raises StaleEdit: when `revision` is not the meeting's, so nobody's edit is lost.
    """
    if meeting.status not in EDITABLE:
        raise WrongState(_l("The meeting cannot be changed while it is %(state)s.",
                            state=status_label(meeting.status)))
    if revision != meeting.revision:
        raise StaleEdit(_l("Someone else changed this meeting meanwhile. Reload the page to "
                           "see their changes, then make yours again."))
    _check(data)
    _check_attendance(meeting.body_id, attendance)
    changed = [k for k, v in vars(data).items() if k != "body_id" and getattr(meeting, k) != v]
    for key in changed:
        setattr(meeting, key, getattr(data, key))
    before = ({(p.user_id, p.role) for p in meeting.participants},
              {u.unit_id for u in meeting.invited_units})
    _apply_attendance(meeting, attendance)
    if before != ({(p.user_id, p.role) for p in meeting.participants},
                  {u.unit_id for u in meeting.invited_units}):
        changed.append("attendance")
    if changed:
        meeting.revision += 1
        audit.record("meeting.updated", actor=actor, object_type="meeting",
                     object_id=meeting.id, details={"changed": changed})
    db.session.commit()
    return changed


def get_meeting(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(_l("Meeting %(id)s does not exist.", id=meeting_id))
    return meeting


def get_meeting_for(meeting_id: int, user: User) -> Meeting:
    """Load a meeting the user may see, outside a request (socket events).

    :raises NotFound: when there is no such meeting.
    :raises Forbidden: when the user may not see it (and the refusal is audited).
    """
    meeting = get_meeting(meeting_id)
    if not can_view_meeting(meeting, user):
        audit.record("access.denied", actor=user, object_type="meeting", object_id=meeting_id)
        db.session.commit()
        raise Forbidden(_l("You are not invited to this meeting."))
    return meeting


def visible_candidates(user: User):
    """A WHERE clause for meetings the user might see (the participant join included):
    narrow in SQL, then `can_view_meeting` decides each one."""
    clerk_units = user.unit_ids_for(RoleKind.CLERK)
    return or_(MeetingParticipant.id.is_not(None),
               Meeting.body_id.in_(user.unit_ids_for(RoleKind.SECRETARIAT)),
               Meeting.body_id.in_(user.unit_ids_for(RoleKind.CHAIR)),
               Meeting.id.in_(select(MeetingUnit.meeting_id)
                              .where(MeetingUnit.unit_id.in_(clerk_units))))


def upcoming_meetings(user: User, *, now: datetime | None = None) -> list[Meeting]:
    """Meetings the user may see that have not ended more than a day ago, soonest first."""
    now = now or utcnow()
    query = (
        select(Meeting)
        .outerjoin(MeetingParticipant, (MeetingParticipant.meeting_id == Meeting.id)
                   & (MeetingParticipant.user_id == user.id))
        .where(Meeting.ends_at >= now - timedelta(days=1))
        .where(visible_candidates(user))
        .order_by(Meeting.starts_at)
    )
    meetings = db.session.execute(query).unique().scalars().all()
    return [m for m in meetings if can_view_meeting(m, user)]


def held_meetings(body_id: int, *, since: datetime | None = None,
                  now: datetime | None = None) -> list[Meeting]:
    """The body's meetings that have taken place (published or finished, started before
    now), oldest first: what reports across meetings look at."""
    query = select(Meeting).where(
        Meeting.body_id == body_id,
        Meeting.status.in_((MeetingStatus.PUBLISHED, MeetingStatus.FINISHED)),
        Meeting.starts_at <= (now or utcnow()))
    if since is not None:
        query = query.where(Meeting.starts_at >= since)
    return list(db.session.execute(query.order_by(Meeting.starts_at)).scalars())


def bodies_prepared_by(user: User) -> list[Unit]:
    units = accounts.get_units(user.unit_ids_for(RoleKind.SECRETARIAT)).values()
    return sorted(units, key=lambda unit: sort_key(unit.name))


def people_of_body(body_id: int, role: RoleKind) -> list[User]:
    """Active users holding `role` in the body, for the participant pickers."""
    return accounts.users_with_role(role, body_id)
