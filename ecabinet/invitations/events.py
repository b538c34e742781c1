"""The secretariat follows the answers live on /live: a room of its own per meeting, since
reasons and deputies are for the secretariat, not for everyone in the meeting's room."""

from __future__ import annotations

from flask_socketio import join_room

from ecabinet.core.timeutil import to_local
from ecabinet.extensions import socketio
from ecabinet.invitations import service
from ecabinet.invitations.models import Answer
from ecabinet.invitations.permissions import can_follow_answers
from ecabinet.live.handlers import live_event
from ecabinet.live.loading import load_meeting

NAMESPACE = "/live"
EVENT = "invitations"


def answers_room(meeting_id: int) -> str:
    return f"invitations:{meeting_id}"


def _time(moment) -> str | None:
    return to_local(moment).strftime("%H:%M %d/%m/%Y") if moment else None


def answers_snapshot(meeting) -> dict:
    """Counts and rows as the secretariat's panel shows them (labels come from the page)."""
    summary = service.summary(meeting)
    return {
        "meeting_id": meeting.id,
        "counts": {"attend": summary.count(Answer.ATTEND),
                   "decline": summary.count(Answer.DECLINE),
                   "deputy": summary.count(Answer.DEPUTY),
                   "none": summary.count(None)},
        "rows": [{"user_id": row.user.id, "name": row.user.full_name,
                  "position": row.user.position or "",
                  "answer": row.answer.value if row.answer else None, "reason": row.reason,
                  "deputy": row.deputy.full_name if row.deputy else None,
                  "answered_at": _time(row.answered_at), "reminded_at": _time(row.reminded_at)}
                 for row in summary.rows],
    }


def push_answers(meeting) -> None:
    """Tell the secretariat's open pages (after the service committed)."""
    socketio.emit(EVENT, answers_snapshot(meeting), to=answers_room(meeting.id),
                  namespace=NAMESPACE)


@live_event("invitations_watch")
def invitations_watch(data):
    """Follow a meeting's answers: the current state now, every change after."""
    meeting = load_meeting(data, can_follow_answers)
    join_room(answers_room(meeting.id))
    return answers_snapshot(meeting)
