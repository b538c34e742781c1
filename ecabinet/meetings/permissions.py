"""Who may see a meeting: its participants and its body's secretariat; nobody else."""

from __future__ import annotations

from ecabinet.accounts.models import RoleKind
from ecabinet.meetings.models import Meeting, MeetingStatus

VISIBLE_TO_PARTICIPANTS = {MeetingStatus.PUBLISHED, MeetingStatus.POSTPONED,
                           MeetingStatus.CANCELLED, MeetingStatus.FINISHED}


def is_secretariat_of(meeting: Meeting, user) -> bool:
    return bool(user and user.is_authenticated
                and user.has_role(RoleKind.SECRETARIAT, meeting.body_id))


def participant_role(meeting: Meeting, user):
    if not (user and user.is_authenticated):
        return None
    return next((p.role for p in meeting.participants if p.user_id == user.id), None)


def can_view_meeting(meeting: Meeting, user) -> bool:
    """The secretariat sees every state; the chair from submission; others once published."""
    if is_secretariat_of(meeting, user):
        return True
    role = participant_role(meeting, user)
    if role is None:
        return False
    if role.value in ("chair", "secretary"):
        return meeting.status != MeetingStatus.DRAFT
    return meeting.status in VISIBLE_TO_PARTICIPANTS
