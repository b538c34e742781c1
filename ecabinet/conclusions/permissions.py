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


# --- dispatch, acknowledgement, tasks: by the unit's role, not the meeting's ---------------

def is_unit_clerk(unit_id: int, user) -> bool:
    return _signed_in(user) and user.has_role(RoleKind.CLERK, unit_id)


def _follows_body(body_id: int, user) -> bool:
    """The body's secretariat and its leaders follow what its notices set going."""
    return _signed_in(user) and (user.has_role(RoleKind.SECRETARIAT, body_id)
                                 or user.has_role(RoleKind.CHAIR, body_id))


def can_see_dispatch(dispatch, user) -> bool:
    return is_unit_clerk(dispatch.unit_id, user) or _follows_body(dispatch.conclusion.body_id,
                                                                  user)


def can_acknowledge(dispatch, user) -> bool:
    return is_unit_clerk(dispatch.unit_id, user)


def can_follow_dispatch(meeting: Meeting, user) -> bool:
    return is_secretariat_of(meeting, user) or is_chair_of(meeting, user)


def can_resend(meeting: Meeting, user) -> bool:
    return is_secretariat_of(meeting, user)


def can_see_task(task, user) -> bool:
    units = {task.responsible_unit_id, *(task.cooperating_unit_ids or [])}
    return any(is_unit_clerk(u, user) for u in units) or _follows_body(
        task.section.conclusion.body_id, user)


def reporting_unit(task, user) -> int | None:
    """The unit the user reports for: the leading unit when she is its clerk, else the first
    co-operating unit she is a clerk of; None when she reports for none."""
    for unit_id in (task.responsible_unit_id, *(task.cooperating_unit_ids or [])):
        if is_unit_clerk(unit_id, user):
            return unit_id
    return None


def can_report_task(task, user) -> bool:
    """The clerks of the leading unit and of each co-operating unit report; only the leading
    unit reports the task done (tasks.report), only the secretariat accepts or reopens it."""
    return reporting_unit(task, user) is not None


def can_review_task(task, user) -> bool:
    return _signed_in(user) and user.has_role(RoleKind.SECRETARIAT,
                                              task.section.conclusion.body_id)


def is_unit_clerk_anywhere(user) -> bool:
    return _signed_in(user) and bool(user.unit_ids_for(RoleKind.CLERK))


def follows_any_body(user) -> bool:
    return _signed_in(user) and bool(user.unit_ids_for(RoleKind.SECRETARIAT)
                                     | user.unit_ids_for(RoleKind.CHAIR))


def followed_bodies(user) -> set[int]:
    return user.unit_ids_for(RoleKind.SECRETARIAT) | user.unit_ids_for(RoleKind.CHAIR)
