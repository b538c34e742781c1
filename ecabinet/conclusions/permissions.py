"""Who drafts, signs, returns and issues a notice: role and relation only; never raises.

The secretariat of the meeting's body drafts; the meeting's chair (or a leader standing in, as
for the agenda) signs or returns; the clerk (văn thư) of the body issues.
"""

from __future__ import annotations

from ecabinet.accounts.models import RoleKind
from ecabinet.meetings.models import Meeting
from ecabinet.meetings.permissions import can_view_meeting, is_chair_of, is_secretariat_of


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated)


def is_body_clerk(meeting: Meeting, user) -> bool:
    return _signed_in(user) and user.has_role(RoleKind.CLERK, meeting.body_id)


def can_see_conclusion(meeting: Meeting, user) -> bool:
    """Those who see the meeting, and the body's clerk who issues its notice."""
    return can_view_meeting(meeting, user) or is_body_clerk(meeting, user)


def can_draft_conclusion(meeting: Meeting, user) -> bool:
    return is_secretariat_of(meeting, user)


def can_sign_conclusion(meeting: Meeting, user) -> bool:
    """Sign or return: the person in authority who chaired."""
    return is_chair_of(meeting, user)


def can_issue_conclusion(meeting: Meeting, user) -> bool:
    return is_body_clerk(meeting, user)


def can_preview_conclusion(meeting: Meeting, user) -> bool:
    return (can_draft_conclusion(meeting, user) or can_sign_conclusion(meeting, user)
            or can_issue_conclusion(meeting, user))
