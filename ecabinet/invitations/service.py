"""Answer an invitation, follow the answers, remind those who have not answered.

An answer can change until the meeting starts (its start time, or the room opened earlier).
A deputy takes the invited person's place: `stand_in_role` tells meetings/ that they take
part, with the role of the person they represent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ecabinet.accounts import service as accounts
from ecabinet.accounts.models import User
from ecabinet.audit import service as audit
from ecabinet.core.timeutil import utcnow
from ecabinet.extensions import db
from ecabinet.invitations.errors import (
    AnswersClosed,
    InvalidDeputy,
    NothingToRemind,
    NotInvited,
    ReasonRequired,
    RoomNotOpen,
)
from ecabinet.invitations.models import Answer, InvitationAnswer
from ecabinet.invitations.permissions import ANSWERING_ROLES
from ecabinet.meetings.labels import status_label
from ecabinet.meetings.models import Meeting, MeetingStatus, ParticipantRole
from ecabinet.meetings.permissions import forget_roles
from ecabinet.notify import service as notify

REMIND_INTERVAL = timedelta(hours=1)
"""A person is not reminded about the same meeting twice within this time."""


@dataclass(frozen=True)
class AnswerData:
    answer: Answer
    reason: str = ""
    deputy_id: int | None = None


@dataclass(frozen=True)
class AnswerRow:
    """One invited person as the secretariat sees them."""

    user: User
    role: ParticipantRole
    answer: Answer | None
    reason: str
    deputy: User | None
    answered_at: datetime | None
    reminded_at: datetime | None


@dataclass(frozen=True)
class Summary:
    rows: tuple[AnswerRow, ...]

    def count(self, answer: Answer | None) -> int:
        return sum(1 for row in self.rows if row.answer == answer)


def invited(meeting: Meeting) -> list:
    """The participants asked to answer (delegates and guests), by name."""
    return sorted((p for p in meeting.participants if p.role in ANSWERING_ROLES),
                  key=lambda p: p.user.full_name)


def invited_person(meeting: Meeting, user_id: int) -> User:
    """The invited delegate or guest with this id.

    :raises NotInvited: for anyone else.
    """
    person = next((p.user for p in invited(meeting) if p.user_id == user_id), None)
    if person is None:
        raise NotInvited(_l("This person is not invited to answer for this meeting."))
    return person


def _rows(meeting: Meeting) -> dict[int, InvitationAnswer]:
    rows = db.session.execute(select(InvitationAnswer)
                              .where(InvitationAnswer.meeting_id == meeting.id)).scalars()
    return {row.user_id: row for row in rows}


def answer_of(meeting: Meeting, user: User) -> InvitationAnswer | None:
    return db.session.execute(select(InvitationAnswer).where(
        InvitationAnswer.meeting_id == meeting.id,
        InvitationAnswer.user_id == user.id)).scalar_one_or_none()


def has_started(meeting: Meeting, now: datetime | None = None) -> bool:
    from ecabinet.live.room import room_of

    return (now or utcnow()) >= meeting.starts_at or room_of(meeting) is not None


def answers_open(meeting: Meeting, now: datetime | None = None) -> bool:
    return meeting.status == MeetingStatus.PUBLISHED and not has_started(meeting, now)


def _check_open(meeting: Meeting, now: datetime | None) -> None:
    if meeting.status != MeetingStatus.PUBLISHED:
        raise AnswersClosed(_l("The meeting is not open for answers: it is %(state)s.",
                               state=status_label(meeting.status)))
    if has_started(meeting, now):
        raise AnswersClosed(_l("The meeting has started: answers can no longer change."))


def deputy_candidates(meeting: Meeting, person: User) -> list[User]:
    """Active people of the person's own unit who do not already take part in the meeting."""
    if person.unit_id is None:
        return []
    taken = {p.user_id for p in meeting.participants}
    taken |= {row.deputy_id for row in _rows(meeting).values()
              if row.answer == Answer.DEPUTY and row.user_id != person.id}
    return sorted((u for u in accounts.list_users(unit_id=person.unit_id)
                   if u.is_active and u.id not in taken), key=lambda u: u.full_name)


def answer_invitation(meeting: Meeting, person: User, data: AnswerData, *,
                      actor: User | None, now: datetime | None = None) -> InvitationAnswer:
    """Record (or change) the person's answer; returns the stored row.

    :raises NotInvited: the person is not an invited delegate or guest of the meeting.
    :raises AnswersClosed: the meeting is not published or has started.
    :raises ReasonRequired: declining without a reason.
    :raises InvalidDeputy: a deputy who is not an active person of their unit, or already
        takes part.
    """
    if not any(p.user_id == person.id and p.role in ANSWERING_ROLES
               for p in meeting.participants):
        raise NotInvited(_l("%(name)s is not invited to answer for this meeting.",
                            name=person.full_name))
    _check_open(meeting, now)
    reason = " ".join((data.reason or "").split())[:500]
    if data.answer == Answer.DECLINE and not reason:
        raise ReasonRequired(_l("Please give the reason why you cannot attend."))
    deputy = None
    if data.answer == Answer.DEPUTY:
        deputy = next((u for u in deputy_candidates(meeting, person) if u.id == data.deputy_id),
                      None)
        if deputy is None:
            raise InvalidDeputy(_l("Choose a deputy among the active people of your unit "
                                   "who do not already take part in the meeting."))
    row = answer_of(meeting, person)
    if row is None:
        row = InvitationAnswer(meeting_id=meeting.id, user_id=person.id)
        db.session.add(row)
    previous = {"answer": row.answer.value if row.answer else None, "deputy": row.deputy_id}
    row.answer, row.answered_at = data.answer, now or utcnow()
    row.reason = reason if data.answer != Answer.ATTEND else ""
    row.deputy_id = deputy.id if deputy else None
    db.session.flush()
    audit.record("invitation.answered", actor=actor, object_type="meeting",
                 object_id=meeting.id,
                 details={"user": person.id, "answer": data.answer.value, "reason": row.reason,
                          "deputy": row.deputy_id, "previous": previous})
    db.session.commit()
    forget_roles()  # who stands in for whom has changed
    return row


def summary(meeting: Meeting) -> Summary:
    """Every invited person with their answer, reason, deputy and last reminder."""
    stored = _rows(meeting)
    deputies = accounts.get_users(r.deputy_id for r in stored.values() if r.deputy_id)
    rows = []
    for participant in invited(meeting):
        row = stored.get(participant.user_id)
        rows.append(AnswerRow(
            user=participant.user, role=participant.role,
            answer=row.answer if row else None, reason=row.reason if row else "",
            deputy=deputies.get(row.deputy_id) if row and row.deputy_id else None,
            answered_at=row.answered_at if row else None,
            reminded_at=row.reminded_at if row else None))
    return Summary(tuple(rows))


def deputies_of(meeting: Meeting) -> dict[int, User]:
    """Invited person's id → the deputy taking part in their place."""
    stored = [r for r in _rows(meeting).values() if r.answer == Answer.DEPUTY and r.deputy_id]
    users = accounts.get_users(r.deputy_id for r in stored)
    return {r.user_id: users[r.deputy_id] for r in stored if r.deputy_id in users}


def represented_by_deputy(meeting: Meeting, deputy_id: int) -> int | None:
    """The invited person this user stands in for, if any."""
    return db.session.execute(select(InvitationAnswer.user_id).where(
        InvitationAnswer.meeting_id == meeting.id, InvitationAnswer.deputy_id == deputy_id,
        InvitationAnswer.answer == Answer.DEPUTY)).scalars().first()


def stand_in_role(meeting: Meeting, user_id: int) -> ParticipantRole | None:
    """The role of the person this user represents: registered with meetings/ so that a
    deputy takes part as the invited person would have."""
    original = represented_by_deputy(meeting, user_id)
    if original is None:
        return None
    role = next((p.role for p in meeting.participants if p.user_id == original), None)
    return role if role in ANSWERING_ROLES else None


def remind_unanswered(meeting: Meeting, *, actor: User | None,
                      now: datetime | None = None) -> list:
    """Remind (in-app and mail) those who have not answered and were not reminded within
    REMIND_INTERVAL; returns the notifications.

    :raises AnswersClosed: the meeting is not open for answers.
    :raises NothingToRemind: everyone answered, or was reminded a short while ago.
    """
    now = now or utcnow()
    _check_open(meeting, now)
    stored = _rows(meeting)
    due = []
    for participant in invited(meeting):
        row = stored.get(participant.user_id)
        if row is not None and (row.answer is not None
                                or (row.reminded_at and now - row.reminded_at < REMIND_INTERVAL)):
            continue
        if row is None:
            row = InvitationAnswer(meeting_id=meeting.id, user_id=participant.user_id)
            db.session.add(row)
        row.reminded_at = now
        due.append(participant.user)
    if not due:
        raise NothingToRemind(_l("Nobody to remind: everyone has answered or was reminded "
                                 "less than an hour ago."))
    audit.record("invitation.reminded", actor=actor, object_type="meeting",
                 object_id=meeting.id, details={"users": [u.id for u in due]})
    db.session.commit()
    return notify.notify(due, "invitation_reminder",
                         params={"meeting_id": meeting.id, "title": meeting.title,
                                 "starts_at": meeting.starts_at.isoformat()},
                         url=f"/meetings/{meeting.id}#invitation", meeting=meeting)


def tell_deputy(meeting: Meeting, person: User, deputy: User) -> list:
    """Tell the deputy (in-app and mail) that they take part in the person's place."""
    return notify.notify([deputy], "invitation_deputy",
                         params={"meeting_id": meeting.id, "title": meeting.title,
                                 "starts_at": meeting.starts_at.isoformat(),
                                 "name": person.full_name},
                         url=f"/meetings/{meeting.id}", meeting=meeting)


def pending_for(user: User, meetings: list[Meeting], now: datetime | None = None) -> list[Meeting]:
    """Of these meetings, those open for answers where the user has not answered yet."""
    answered = set(db.session.execute(select(InvitationAnswer.meeting_id).where(
        InvitationAnswer.user_id == user.id, InvitationAnswer.answer.is_not(None))).scalars())
    return [m for m in meetings if m.id not in answered and answers_open(m, now)
            and any(p.user_id == user.id and p.role in ANSWERING_ROLES for p in m.participants)]


def standing_in_for(user: User, now: datetime | None = None) -> list[tuple[Meeting, User]]:
    """Upcoming meetings where the user is a deputy, with the person they represent."""
    rows = db.session.execute(select(InvitationAnswer.meeting_id, InvitationAnswer.user_id)
                              .where(InvitationAnswer.deputy_id == user.id,
                                     InvitationAnswer.answer == Answer.DEPUTY)).all()
    from ecabinet.meetings import service as meetings

    people = accounts.get_users(original for _m, original in rows)
    found = []
    for meeting_id, original in rows:
        meeting = meetings.get_meeting(meeting_id)
        if meeting.ends_at >= (now or utcnow()) - timedelta(days=1):
            found.append((meeting, people[original]))
    return found


def room_open(meeting: Meeting) -> bool:
    from ecabinet.live.room import room_of

    room = room_of(meeting)
    return room is not None and room.ended_at is None


def mark_represented(meeting: Meeting, person: User, *, actor: User | None):
    """Record in the room's attendance that the person is represented by their deputy.

    :raises RoomNotOpen: the meeting has not started, or has ended.
    :raises InvalidDeputy: the person did not send a deputy.
    """
    from ecabinet.live import attendance

    if not room_open(meeting):
        raise RoomNotOpen(_l("Attendance is marked once the meeting has started."))
    deputy = deputies_of(meeting).get(person.id)
    if deputy is None:
        raise InvalidDeputy(_l("%(name)s did not send a deputy.", name=person.full_name))
    return attendance.mark_represented(meeting, person, deputy, by=actor)
