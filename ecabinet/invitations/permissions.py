"""Who answers an invitation and who follows the answers; pure functions that never raise."""

from __future__ import annotations

from ecabinet.meetings.models import Meeting, ParticipantRole
from ecabinet.meetings.permissions import is_secretariat_of

# The chair presides and the secretary keeps the record: they are not asked to answer.
ANSWERING_ROLES = frozenset({ParticipantRole.DELEGATE, ParticipantRole.GUEST})


def invited_role(meeting: Meeting, user) -> ParticipantRole | None:
    """The role the user was invited with (a deputy was not invited: None)."""
    if not (user and user.is_authenticated):
        return None
    return next((p.role for p in meeting.participants if p.user_id == user.id), None)


def can_answer_invitation(meeting: Meeting, user) -> bool:
    """The delegates and guests invited to the meeting answer for themselves."""
    return invited_role(meeting, user) in ANSWERING_ROLES


def can_follow_answers(meeting: Meeting, user) -> bool:
    """See everyone's answers and remind: the body's secretariat and the meeting's secretary."""
    return is_secretariat_of(meeting, user) or (
        invited_role(meeting, user) == ParticipantRole.SECRETARY)
