"""What a screen of the room shows, as JSON: sent whole on joining (and on reconnecting) and
after every change, so that a client never has to piece the room together from deltas."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import UTC
from functools import cache

from ecabinet.accounts import service as accounts
from ecabinet.core.timeutil import utcnow
from ecabinet.live import attendance
from ecabinet.live import room as live
from ecabinet.live.models import Presence
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
        # Tuples, not lists: python-socketio walks every list item of a payload looking for
        # bytes (a thousand ids per screen per join); a tuple is sent as the same JSON array.
        "present_ids": tuple(sorted(attendance.present_ids(meeting))),
        "represented": _represented(meeting),
        "speakers": [{"id": s.request_id, "user_id": s.user_id, "name": s.name,
                      "status": s.status.value,
                      "since": _iso(s.started_at), "limit_s": s.limit_s}
                     for s in live.speakers(meeting)],
        "poll": _poll(polls[0], meeting) if polls else None,
        "server_time": _iso(utcnow()),
    }


@dataclass(frozen=True)
class RoomStamp:
    """What changes whenever the room does, read in one query; with the person's own facts."""

    room: tuple
    """Room version, attendance count and latest mark, latest poll, its status and count."""
    poll_id: int | None
    poll_open: bool
    poll_overdue: bool
    my_presence: str | None
    i_voted: bool


@cache
def _stamp_statement():
    """Built once: composing this statement costs more than running it."""
    from sqlalchemy import bindparam, func, literal, select

    from ecabinet.live.models import Attendance, RoomState
    from ecabinet.voting.models import NamedBallot, Poll, SecretVoter

    meeting, user = bindparam("meeting_id"), bindparam("user_id")
    latest = select(func.max(Poll.id)).where(Poll.meeting_id == meeting).scalar_subquery()

    def count(model, *where):
        return select(func.count()).select_from(model).where(
            model.poll_id == latest, *where).scalar_subquery()

    return select(
        select(RoomState.version).where(RoomState.meeting_id == meeting).scalar_subquery(),
        select(func.count()).select_from(Attendance)
        .where(Attendance.meeting_id == meeting).scalar_subquery(),
        select(func.max(Attendance.at)).where(Attendance.meeting_id == meeting)
        .scalar_subquery(),
        latest,
        select(Poll.status).where(Poll.id == latest).scalar_subquery(),
        select(Poll.closes_at).where(Poll.id == latest).scalar_subquery(),
        count(NamedBallot) + count(SecretVoter),
        select(Attendance.presence).where(Attendance.meeting_id == meeting,
                                          Attendance.user_id == user).scalar_subquery(),
        count(NamedBallot, NamedBallot.voter_id == user)
        + count(SecretVoter, SecretVoter.voter_id == user),
        literal(1))


def room_stamp(meeting: Meeting, user_id: int | None = None) -> RoomStamp:
    from ecabinet.extensions import db

    version, marks, last_mark, poll_id, status, closes_at, voted, presence, mine, _one = (
        db.session.connection().execute(_stamp_statement(), {
            "meeting_id": meeting.id, "user_id": user_id or 0}).one())
    status = PollStatus(status) if status is not None else None
    is_open = status == PollStatus.OPEN
    return RoomStamp(
        room=(meeting.id, meeting.created_at, meeting.revision, meeting.status, version, marks,
              last_mark, poll_id, status, voted),
        poll_id=poll_id, poll_open=is_open,
        poll_overdue=bool(is_open and closes_at and _aware(closes_at) <= utcnow()),
        my_presence=str(presence) if presence is not None else None, i_voted=bool(mine))


def _aware(moment):
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def shared_snapshot(meeting: Meeting, stamp: RoomStamp) -> dict:
    """`room_snapshot`, built once for however many screens ask while the room is unchanged.

    Not meeting state kept in memory: a copy of what the database holds, keyed by a stamp
    every caller reads from the database first (`room_stamp`), so a change made by any
    process is seen by the next caller; kept LIVE_SNAPSHOT_TTL_S seconds at most, for what
    the stamp does not cover (people's names, members in office). Read the stamp before
    building: the copy is then never older than its key.
    """
    from flask import current_app

    memo = current_app.extensions.setdefault("ecabinet_room_snapshots", {})
    ttl = current_app.config.get("LIVE_SNAPSHOT_TTL_S", 2.0)

    def held_copy():
        held = memo.get(meeting.id)
        if held is not None and held[0] == stamp.room and time.monotonic() - held[1] <= ttl:
            return held[2]
        return None

    snapshot = held_copy()
    if snapshot is not None:
        return snapshot
    # One builder per meeting: a hundred screens joining at once (each query of a build
    # yields to the others on PostgreSQL) wait for the one copy instead of building their own.
    locks = current_app.extensions.setdefault("ecabinet_room_snapshot_locks", {})
    with locks.setdefault(meeting.id, threading.Lock()):
        snapshot = held_copy()
        if snapshot is not None:
            return snapshot
        now = time.monotonic()
        snapshot = room_snapshot(meeting)
        if len(memo) > 64:
            memo.clear()
        memo[meeting.id] = (stamp.room, now, snapshot)
    return snapshot


def personal_snapshot(meeting: Meeting, user, stamp: RoomStamp | None = None) -> dict:
    """The room plus what this user may do and has done (whether they voted): a few
    queries, however many people are in the room."""
    stamp = stamp or room_stamp(meeting, user.id)
    snapshot = {**shared_snapshot(meeting, stamp), "server_time": _iso(utcnow())}
    snapshot["me"] = {
        "id": user.id, "can_run": can_run_room(meeting, user),
        "can_vote_admin": can_run_votes(meeting, user),
        "present": stamp.my_presence == Presence.PRESENT.value,
        "voted": stamp.i_voted,
        "ballot": None,
    }
    if stamp.i_voted:  # how (a named poll), so that another device shows it with its receipt
        mine = voting.my_named_ballot(stamp.poll_id, user.id)
        if mine:
            snapshot["me"]["ballot"] = {"choices": list(mine[0]), "receipt": mine[1]}
    if snapshot["me"]["can_run"] and stamp.poll_open:
        snapshot["waiting"] = tuple(voting.waiting_voters(voting.get_poll(stamp.poll_id),
                                                          meeting))
    return snapshot
