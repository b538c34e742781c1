"""Socket events of polls: the chair opens and closes, members cast; acknowledgements come
after the commit, and the room is told after the acknowledgement."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ecabinet.core.database import is_closed
from ecabinet.core.errors import NotFound
from ecabinet.core.timeutil import utcnow
from ecabinet.extensions import db, socketio
from ecabinet.live.coalesce import broadcast_soon
from ecabinet.live.events import NotSignedIn, user_room
from ecabinet.live.handlers import live_event
from ecabinet.live.identity import check_now, forget, session_digest
from ecabinet.live.loading import BadRequest, load_meeting, require_int
from ecabinet.live.permissions import can_enter_room, can_run_votes
from ecabinet.live.room_events import NAMESPACE, broadcast, room_name, runners_name
from ecabinet.meetings import service as meetings
from ecabinet.meetings.permissions import can_view_meeting
from ecabinet.voting import service as voting
from ecabinet.voting import writer
from ecabinet.voting.models import MajorityRule, PollKind
from ecabinet.voting.service import PollData


def _poll_data(data) -> PollData:
    question = data.get("question")
    if not isinstance(question, str) or len(question) > 500:
        raise BadRequest(_l("A poll needs a question of at most 500 characters."))
    choices = data.get("choices") or voting.DEFAULT_CHOICES
    if (not isinstance(choices, list | tuple) or len(choices) > 20
            or not all(isinstance(c, str) and len(c) <= 200 for c in choices)):
        raise BadRequest(_l("Give at most 20 choices of at most 200 characters."))
    try:
        kind = PollKind(data.get("kind") or "named")
        majority = MajorityRule(data.get("majority") or "half_members")
    except ValueError:
        raise BadRequest(_l("Unknown kind of poll or majority rule.")) from None
    max_choices = data.get("max_choices") or 1
    if not isinstance(max_choices, int):
        raise BadRequest(_l("The number of choices allowed must be a number."))
    minutes = data.get("minutes")
    if minutes is not None and (not isinstance(minutes, int) or not 1 <= minutes <= 240):
        raise BadRequest(_l("A time limit is a whole number of minutes from 1 to 240."))
    item = data.get("item_id") if isinstance(data.get("item_id"), int) else None
    return PollData(question=question, choices=tuple(choices), kind=kind, majority=majority,
                    max_choices=max_choices, allow_change=bool(data.get("allow_change")),
                    closes_at=utcnow() + timedelta(minutes=minutes) if minutes else None,
                    agenda_item_id=item)


def _poll_and_meeting(data, check):
    """The poll and its meeting, authorised on the meeting like every room event."""
    poll = voting.get_poll(require_int(data, "poll_id"))
    meeting = meetings.get_meeting(poll.meeting_id)
    if not can_view_meeting(meeting, current_user):
        raise NotFound(_l("Poll %(id)s does not exist.", id=poll.id))
    load_meeting({"meeting_id": meeting.id}, check)
    return poll, meeting


@live_event("open_poll")
def open_poll(data):
    meeting = load_meeting(data, can_run_votes)
    poll = voting.open_poll(meeting, _poll_data(data), actor=current_user,
                            override_quorum=data.get("override_quorum") is True)
    warm = getattr(writer.writer_of(current_app._get_current_object()), "warm", None)
    if warm is not None:  # the ballots follow within seconds
        socketio.start_background_task(warm)
    if poll.closes_at:
        socketio.start_background_task(_close_when_due, current_app._get_current_object(),
                                       poll.id, (poll.closes_at - utcnow()).total_seconds())
    broadcast(meeting)
    return {"ok": True, "poll_id": poll.id}


def _close_when_due(app, poll_id: int, delay_s: float) -> None:
    """Close a timed poll when its time is up. The deadline is in the database, which refuses
    late ballots on its own; this only publishes the result on time (and if this process
    died, the next `room_join` closes the overdue poll)."""
    socketio.sleep(max(delay_s, 0) + 0.2)
    if is_closed(app):
        return
    with app.app_context():
        try:
            for meeting in voting.close_overdue(poll_id):
                broadcast(meeting)
        finally:
            db.session.remove()


MAX_CHOICES_SENT = 64


@live_event("cast_ballot", checks_session=True)
def cast_ballot(data):
    """The hot path of a vote: no query at all before the ballot writer, which checks, for
    every ballot of its batch at once and in the transaction that stores them, the voter's
    sign-in session (open, account active) and their place in the poll's meeting: a chair or
    delegate of a meeting open to its participants is admitted by that alone, as
    `can_enter_room` would. Anyone else, or a malformed ballot, takes the full path: the
    session checked, the meeting authorised as every room event is, then the ballot."""
    poll_id, choices = require_int(data, "poll_id"), data.get("choices")
    token = data.get("token")
    if (isinstance(choices, list) and len(choices) <= MAX_CHOICES_SENT
            and all(type(c) is int for c in choices)  # noqa: E721 - bool is no choice
            and isinstance(token, str)):
        try:
            receipt = voting.cast_as_participant(poll_id, current_user.id, tuple(choices),
                                                 token, session_digest=session_digest())
        except writer.SessionEnded:
            forget()
            raise NotSignedIn(_l("Please sign in to continue.")) from None
        except writer.NeedsFullCheck:
            receipt = _cast_checked(data)
    else:
        receipt = _cast_checked(data)
    if not receipt.repeated:  # the acknowledgement goes first, the counts follow
        tell_other_devices(receipt)
        ballot_counted(receipt.meeting_id)
    return {"ok": True, "poll_id": receipt.poll_id, "receipt": receipt.receipt,
            "choices": list(receipt.choices), "repeated": receipt.repeated}


def tell_other_devices(receipt) -> None:
    """The voter's other screens (a tablet and a laptop, say) show the ballot as cast at
    once, as a reload would: its choices and receipt for a named poll, only that it was cast
    for a secret one (its receipt stays on the device that sent it). The sending socket is
    left out: its acknowledgement says it."""
    ballot = ({"choices": list(receipt.choices), "receipt": receipt.receipt}
              if receipt.choices else None)  # a secret poll's receipt names no choice
    socketio.emit("ballot_cast", {"meeting_id": receipt.meeting_id, "poll_id": receipt.poll_id,
                                  "ballot": ballot},
                  to=user_room(current_user.id), namespace=NAMESPACE, skip_sid=request.sid)


def _cast_checked(data):
    """A ballot from someone a role alone does not admit, or malformed: authorised in full."""
    check_now()
    if not current_user.is_authenticated:
        raise NotSignedIn(_l("Please sign in to continue."))
    poll = voting.ballot_poll(require_int(data, "poll_id"), current_user.id)
    if not poll.voter_may_enter:
        _poll_and_meeting(data, can_enter_room)
    choices = data.get("choices")
    if not isinstance(choices, list) or not all(isinstance(c, int) for c in choices):
        raise BadRequest(_l("Choose between 1 and %(n)d of the listed options.",
                            n=poll.max_choices))
    receipt = voting.cast(poll, current_user.id, tuple(choices), data.get("token"))
    return dataclasses.replace(receipt, meeting_id=poll.meeting_id)


def ballot_counted(meeting_id: int) -> None:
    """The console's count at once and then at most every LIVE_RUNNERS_PROGRESS_INTERVAL
    seconds, with who is still to vote every LIVE_BROADCAST_INTERVAL; everyone's count about
    once a second (LIVE_ROOM_PROGRESS_INTERVAL)."""
    config = current_app.config
    broadcast_soon(meeting_id, count_to_runners,
                   interval=config.get("LIVE_RUNNERS_PROGRESS_INTERVAL", 0.05))
    broadcast_soon(meeting_id, progress_to_runners)
    broadcast_soon(meeting_id, progress_to_room,
                   interval=config.get("LIVE_ROOM_PROGRESS_INTERVAL", 1.0))


def _progress(meeting) -> tuple[dict, object] | None:
    polls = voting.polls_of(meeting)
    if not polls:
        return None
    poll = polls[0]
    return {"meeting_id": meeting.id, "poll_id": poll.id, "voted": voting.voted_count(poll),
            "eligible": poll.present_at_open, "status": poll.status.value}, poll


def count_to_runners(meeting) -> None:
    """The console's count (one query), many times a second while ballots pour in."""
    found = _progress(meeting)
    if found is not None:
        socketio.emit("poll_progress", found[0], to=runners_name(meeting.id),
                      namespace=NAMESPACE)


def progress_to_runners(meeting) -> None:
    """The console's count and who is still to vote (names, never choices), a few times a
    second while ballots pour in."""
    found = _progress(meeting)
    if found is None:
        return
    progress, poll = found
    waiting = tuple(voting.waiting_voters(poll, meeting))  # a tuple: see live/state.py
    socketio.emit("poll_progress", progress, to=runners_name(meeting.id), namespace=NAMESPACE)
    socketio.emit("poll_waiting", {**progress, "waiting": waiting},
                  to=runners_name(meeting.id), namespace=NAMESPACE)


def progress_to_room(meeting) -> None:
    """Everyone's screen gets only the count (a thousand screens need no full room for it),
    about once a second (LIVE_ROOM_PROGRESS_INTERVAL): each push to the room is a thousand
    sends, which would otherwise cost the server more than the ballots themselves."""
    found = _progress(meeting)
    if found is not None:
        socketio.emit("poll_progress", found[0], to=room_name(meeting.id),
                      namespace=NAMESPACE)


@live_event("close_poll")
def close_poll(data):
    poll, meeting = _poll_and_meeting(data, can_run_votes)
    result = voting.close_poll(poll, meeting, actor=current_user)
    broadcast(meeting)
    return {"ok": True, "poll_id": poll.id, "counts": list(result.counts),
            "passed": result.passed, "explanation": result.explanation}
