"""Who may see and act on a meeting: role and relation only; functions that never raise.

Whether the meeting's state allows a step is the workflow's business (`workflow.step_possible`),
so a click in the wrong state is told "the meeting is …", not "access denied".
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from flask import g, has_request_context
from sqlalchemy import bindparam, select

from ecabinet.accounts.models import RoleKind
from ecabinet.extensions import db
from ecabinet.meetings.models import (
    Confidentiality,
    Meeting,
    MeetingParticipant,
    MeetingStatus,
    ParticipantRole,
)

VISIBLE_TO_PARTICIPANTS = frozenset({MeetingStatus.PUBLISHED, MeetingStatus.POSTPONED,
                                     MeetingStatus.CANCELLED, MeetingStatus.FINISHED})
# A body's other leaders may stand in for the chosen chair once the agenda was submitted.
VISIBLE_TO_BODY_CHAIRS = frozenset(MeetingStatus) - {MeetingStatus.DRAFT}


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated)


def is_secretariat_of(meeting: Meeting, user) -> bool:
    return _signed_in(user) and user.has_role(RoleKind.SECRETARIAT, meeting.body_id)


# Someone taking part in another's place (a deputy sent by an invited person): the feature
# that records it registers a lookup here, so meetings/ needs to know nothing more.
StandIn = Callable[[Meeting, int], "ParticipantRole | None"]
_STAND_INS: list[StandIn] = []


def register_stand_in(lookup: StandIn) -> None:
    """Let `lookup(meeting, user_id)` name the role of one who takes part in another's place."""
    if lookup not in _STAND_INS:
        _STAND_INS.append(lookup)


def participant_role(meeting: Meeting, user, *,
                     stand_ins: bool = True) -> ParticipantRole | None:
    """The user's role in the meeting (or, unless `stand_ins` is False, the role of whoever
    they take part for), None if none.

    Read from the participants when they are loaded anyway, else by one indexed query: the
    room asks this on every event, of meetings with a thousand participants.
    """
    if not _signed_in(user):
        return None
    if not has_request_context():
        return _participant_role(meeting, user, stand_ins)
    # One request (or socket event) asks this many times about the same person; the answer
    # cannot change within it, and a new request asks again.
    known = g.setdefault("ecabinet_participant_roles", {})
    key = (meeting.id, user.id, stand_ins)
    if key not in known:
        known[key] = _participant_role(meeting, user, stand_ins)
    return known[key]


def forget_roles() -> None:
    """Drop what this request learnt of people's roles, after it changed the participants."""
    if has_request_context():
        g.pop("ecabinet_participant_roles", None)


@cache
def _role_statement():
    """Built once: composing the statement took twice as long as running it (every event)."""
    return select(MeetingParticipant.role).where(
        MeetingParticipant.meeting_id == bindparam("meeting_id"),
        MeetingParticipant.user_id == bindparam("user_id"))


def _participant_role(meeting: Meeting, user, stand_ins: bool) -> ParticipantRole | None:
    if "participants" in meeting.__dict__:
        role = next((p.role for p in meeting.participants if p.user_id == user.id), None)
    else:
        role = db.session.execute(_role_statement(), {
            "meeting_id": meeting.id, "user_id": user.id}).scalar_one_or_none()
    for lookup in _STAND_INS if role is None and stand_ins else ():
        role = lookup(meeting, user.id)
        if role is not None:
            break
    return role


def is_chosen_chair(meeting: Meeting, user) -> bool:
    return participant_role(meeting, user) == ParticipantRole.CHAIR


def is_chair_of(meeting: Meeting, user) -> bool:
    """The meeting's chair or, for a meeting that is not confidential, another leader of its
    body who may stand in. A confidential meeting stays with the chosen chair."""
    if is_chosen_chair(meeting, user):
        return True
    return (_signed_in(user) and meeting.confidentiality != Confidentiality.CONFIDENTIAL
            and user.has_role(RoleKind.CHAIR, meeting.body_id))


def is_invited_clerk(meeting: Meeting, user) -> bool:
    """A clerk (văn thư) of a unit invited to the meeting, once it was published."""
    if not _signed_in(user) or meeting.status not in VISIBLE_TO_PARTICIPANTS:
        return False
    clerk_units = user.unit_ids_for(RoleKind.CLERK)
    return any(invited.unit_id in clerk_units for invited in meeting.invited_units)


def can_view_as_participant(meeting: Meeting, user) -> bool:
    """See the whole meeting: its secretariat always; its chair in every state (she approves
    the drafts and lands on them after returning one); a body leader standing in once it was
    submitted; the secretary once submitted; the other participants once published."""
    if is_secretariat_of(meeting, user) or is_chosen_chair(meeting, user):
        return True
    if is_chair_of(meeting, user) and meeting.status in VISIBLE_TO_BODY_CHAIRS:
        return True
    role = participant_role(meeting, user)
    if role == ParticipantRole.SECRETARY:
        return meeting.status != MeetingStatus.DRAFT
    return role is not None and meeting.status in VISIBLE_TO_PARTICIPANTS


def can_view_meeting(meeting: Meeting, user) -> bool:
    """See the meeting's page: participants as above, and the clerks of invited units (who
    see what the unit may see: the meeting and the documents marked for units)."""
    return can_view_as_participant(meeting, user) or is_invited_clerk(meeting, user)


def can_create_meeting_for(body_id: int, user) -> bool:
    return _signed_in(user) and user.has_role(RoleKind.SECRETARIAT, body_id)


def can_edit_meeting(meeting: Meeting, user) -> bool:
    """Change details, participants and agenda: the body's secretariat."""
    return is_secretariat_of(meeting, user)


def can_submit(meeting: Meeting, user) -> bool:
    return is_secretariat_of(meeting, user)


def can_review(meeting: Meeting, user) -> bool:
    """Approve or return with a comment: the chair (or a leader standing in)."""
    return is_chair_of(meeting, user)


def can_publish(meeting: Meeting, user) -> bool:
    return is_secretariat_of(meeting, user)


def can_postpone(meeting: Meeting, user) -> bool:
    return is_secretariat_of(meeting, user)


def can_cancel(meeting: Meeting, user) -> bool:
    return is_secretariat_of(meeting, user)
