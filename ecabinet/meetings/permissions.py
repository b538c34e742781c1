"""Who may see, prepare, approve and publish a meeting; pure functions that never raise."""

from __future__ import annotations

from ecabinet.accounts.models import RoleKind
from ecabinet.meetings.models import Meeting, MeetingStatus, ParticipantRole

VISIBLE_TO_PARTICIPANTS = {MeetingStatus.PUBLISHED, MeetingStatus.POSTPONED,
                           MeetingStatus.CANCELLED, MeetingStatus.FINISHED}
EDITABLE = {MeetingStatus.DRAFT, MeetingStatus.PUBLISHED, MeetingStatus.POSTPONED}


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated)


def is_secretariat_of(meeting: Meeting, user) -> bool:
    return _signed_in(user) and user.has_role(RoleKind.SECRETARIAT, meeting.body_id)


def participant_role(meeting: Meeting, user) -> ParticipantRole | None:
    if not _signed_in(user):
        return None
    return next((p.role for p in meeting.participants if p.user_id == user.id), None)


def is_chair_of(meeting: Meeting, user) -> bool:
    """The meeting's chair, or another leader of its body who may stand in."""
    return _signed_in(user) and (participant_role(meeting, user) == ParticipantRole.CHAIR
                                 or user.has_role(RoleKind.CHAIR, meeting.body_id))


def can_view_meeting(meeting: Meeting, user) -> bool:
    """The secretariat sees every state; the chair from submission; others once published."""
    if is_secretariat_of(meeting, user):
        return True
    if is_chair_of(meeting, user) and meeting.status != MeetingStatus.DRAFT:
        return True
    role = participant_role(meeting, user)
    if role is None:
        return False
    if role == ParticipantRole.SECRETARY:
        return meeting.status != MeetingStatus.DRAFT
    return meeting.status in VISIBLE_TO_PARTICIPANTS


def can_create_meeting_for(body_id: int, user) -> bool:
    return _signed_in(user) and user.has_role(RoleKind.SECRETARIAT, body_id)


def can_edit_meeting(meeting: Meeting, user) -> bool:
    return is_secretariat_of(meeting, user) and meeting.status in EDITABLE


def can_submit(meeting: Meeting, user) -> bool:
    return is_secretariat_of(meeting, user) and meeting.status == MeetingStatus.DRAFT


def can_review(meeting: Meeting, user) -> bool:
    """Approve or return with a comment: the chair, once the agenda was submitted."""
    return is_chair_of(meeting, user) and meeting.status == MeetingStatus.SUBMITTED


def can_publish(meeting: Meeting, user) -> bool:
    return is_secretariat_of(meeting, user) and meeting.status in (
        MeetingStatus.APPROVED, MeetingStatus.POSTPONED)


def can_postpone(meeting: Meeting, user) -> bool:
    return is_secretariat_of(meeting, user) and meeting.status == MeetingStatus.PUBLISHED


def can_cancel(meeting: Meeting, user) -> bool:
    return is_secretariat_of(meeting, user) and meeting.status not in (
        MeetingStatus.CANCELLED, MeetingStatus.FINISHED)
