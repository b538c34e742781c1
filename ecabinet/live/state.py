"""What a screen of the room shows, as JSON: sent whole on joining (and on reconnecting) and
after every change, so that a client never has to piece the room together from deltas."""

from __future__ import annotations

from datetime import UTC

from ecabinet.accounts import service as accounts
from ecabinet.core.timeutil import utcnow
from ecabinet.live import attendance
from ecabinet.live import room as live
from ecabinet.live.permissions import can_run_room, can_run_votes
from ecabinet.meetings.models import Meeting
from ecabinet.voting import service as voting
from ecabinet.voting.models import PollStatus


def _iso(moment) -> str | None:
    """A UTC time as ISO 8601 with its zone, so that every browser reads it the same way."""
    return moment.astimezone(UTC).isoformat() if moment else None


def _poll(poll, meeting: Meeting) -> dict:
    data = {"id": poll.id, "question": poll.question, "choices": voting.poll_choices(poll),
            "kind": poll.kind.value, "max_choices": poll.max_choices,
            "status": poll.status.value, "voted": voting.voted_count(poll),
            "eligible": poll.present_at_open, "item_id": poll.agenda_item_id,
            "allow_change": poll.allow_change,
            "closes_at": _iso(poll.closes_at) if poll.status == PollStatus.OPEN else None}
    if poll.status == PollStatus.CLOSED:
        data["result"] = voting.stored_result(poll)
    return data


def _represented(meeting: Meeting) -> dict[str, str]:
    """Invited person's id (as text: a JSON key) → the name of their deputy."""
    deputies = attendance.represented(meeting)
    names = accounts.get_users(deputies.values())
    return {str(user_id): names[deputy].full_name for user_id, deputy in deputies.items()
            if deputy in names}


def room_snapshot(meeting: Meeting) -> dict:
    """The room as everyone sees it (nothing personal, nothing secret)."""
    room = live.room_of(meeting)
    quorum = attendance.quorum(meeting)
    titles = {item.id: item.title for item in meeting.agenda}
    polls = voting.polls_of(meeting)
    current = room.current_item_id if room else None
    return {
        "meeting_id": meeting.id, "version": room.version if room else 0,
        "started": bool(room and room.ended_at is None), "ended": bool(room and room.ended_at),
        "item": {"id": current, "title": titles.get(current, "")} if current else None,
        "presenting": ({"document_id": room.presenting_document_id,
                        "page": room.presenting_page} if room else None),
        "quorum": {"present": quorum.present, "in_office": quorum.in_office,
                   "required": quorum.required, "reached": quorum.reached},
        "present_ids": sorted(attendance.present_ids(meeting)),
        "represented": _represented(meeting),
        "speakers": [{"id": s.request_id, "user_id": s.user_id, "name": s.name,
                      "status": s.status.value,
                      "since": _iso(s.started_at), "limit_s": s.limit_s}
                     for s in live.speakers(meeting)],
        "poll": _poll(polls[0], meeting) if polls else None,
        "server_time": _iso(utcnow()),
    }


def personal_snapshot(meeting: Meeting, user) -> dict:
    """The room plus what this user may do and has done (whether they voted)."""
    snapshot = room_snapshot(meeting)
    poll = snapshot["poll"]
    snapshot["me"] = {
        "id": user.id, "can_run": can_run_room(meeting, user),
        "can_vote_admin": can_run_votes(meeting, user),
        "present": user.id in snapshot["present_ids"],
        "voted": bool(poll and user.id in voting.voted_ids(voting.get_poll(poll["id"]))),
    }
    if snapshot["me"]["can_run"] and poll and poll["status"] == PollStatus.OPEN.value:
        snapshot["waiting"] = voting.waiting_voters(voting.get_poll(poll["id"]), meeting)
    return snapshot
