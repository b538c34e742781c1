"""The approval workflow: draft → submitted → approved (or returned) → published.

Each step checks the state, changes it, audits, commits, and only then tells people,
so nobody is notified of a change that did not happen.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ecabinet.accounts.models import User
from ecabinet.audit import service as audit
from ecabinet.core.timeutil import utcnow
from ecabinet.extensions import db
from ecabinet.meetings import deadlines
from ecabinet.meetings.errors import InvalidMeeting, WrongState
from ecabinet.meetings.labels import status_label
from ecabinet.meetings.models import Meeting, MeetingStatus
from ecabinet.meetings.states import step_possible
from ecabinet.notify import service as notify

S = MeetingStatus


def _check_step(meeting: Meeting, step: str) -> None:
    """:raises WrongState: naming the meeting's state, when `step` is not possible in it."""
    if not step_possible(meeting, step):
        raise WrongState(_l("This step is not possible now: the meeting is %(state)s.",
                            state=status_label(meeting.status)))


def _move(meeting: Meeting, step: str, target: MeetingStatus, *,
          actor: User, action: str, details: dict | None = None) -> None:
    _check_step(meeting, step)
    before = meeting.status
    meeting.status = target
    meeting.revision += 1
    audit.record(f"meeting.{action}", actor=actor, object_type="meeting", object_id=meeting.id,
                 details={"from": before.value, "to": target.value, **(details or {})})
    db.session.commit()


def submit(meeting: Meeting, *, actor: User):
    """Send the agenda to the chair for approval."""
    _check_step(meeting, "submit")
    if not meeting.agenda:
        raise InvalidMeeting(_l("Add at least one agenda item before sending for approval."))
    _move(meeting, "submit", S.SUBMITTED, actor=actor, action="submit")
    return notify.meeting_submitted(meeting, actor=actor)


def approve(meeting: Meeting, *, actor: User):
    _check_step(meeting, "approve")
    meeting.review_comment = ""
    _move(meeting, "approve", S.APPROVED, actor=actor, action="approve")
    return notify.meeting_approved(meeting, actor=actor)


def return_to_draft(meeting: Meeting, comment: str, *, actor: User):
    """Send the agenda back to the secretariat with what to change."""
    _check_step(meeting, "return")
    comment = comment.strip()
    if not comment:
        raise InvalidMeeting(_l("Say what should be changed when returning the agenda."))
    meeting.review_comment = comment
    _move(meeting, "return", S.DRAFT, actor=actor, action="return",
          details={"comment": comment})
    return notify.meeting_returned(meeting, comment, actor=actor)


def publish(meeting: Meeting, *, actor: User):
    """Make the meeting visible to its participants and invited units, and tell them."""
    _check_step(meeting, "publish")
    meeting.published_at = utcnow()
    late = deadlines.record_publication(meeting, actor=actor)  # Art. 114: kept, not refused
    _move(meeting, "publish", S.PUBLISHED, actor=actor, action="publish",
          details={"late": late})
    return notify.meeting_published(meeting, actor=actor)


def postpone(meeting: Meeting, *, actor: User):
    _move(meeting, "postpone", S.POSTPONED, actor=actor, action="postpone")
    return notify.meeting_postponed(meeting, actor=actor)


def cancel(meeting: Meeting, *, actor: User):
    was_public = meeting.status in (S.PUBLISHED, S.POSTPONED)
    _move(meeting, "cancel", S.CANCELLED, actor=actor, action="cancel")
    return notify.meeting_cancelled(meeting, actor=actor) if was_public else []
