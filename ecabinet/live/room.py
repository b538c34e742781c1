"""The room of a meeting in progress: starting and ending it, the current item, the document
everyone may follow, and the speakers' queue. All of it lives in the database, so that any
process, or one restarted, serves the same room."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ecabinet.accounts import service as accounts
from ecabinet.accounts.models import User
from ecabinet.audit import service as audit
from ecabinet.core.errors import EcabinetError
from ecabinet.core.timeutil import utcnow
from ecabinet.extensions import db
from ecabinet.live.models import RoomState, SpeakerRequest, SpeakerStatus
from ecabinet.meetings.labels import status_label
from ecabinet.meetings.models import Meeting, MeetingStatus


class RoomError(EcabinetError):
    code = "room_error"
    http_status = 409


class RoomNotStarted(RoomError):
    code = "not_started"


OPEN_QUEUE = (SpeakerStatus.WAITING, SpeakerStatus.SPEAKING)


@dataclass(frozen=True)
class Speaker:
    request_id: int
    user_id: int
    name: str
    status: SpeakerStatus
    started_at: object
    limit_s: int | None = None


def room_of(meeting: Meeting) -> RoomState | None:
    return db.session.get(RoomState, meeting.id)


def _live_room(meeting: Meeting) -> RoomState:
    room = room_of(meeting)
    if room is None or room.ended_at is not None:
        raise RoomNotStarted(_l("The meeting has not started, or has already ended."))
    return room


def _touch(room: RoomState) -> None:
    room.version += 1


def start_meeting(meeting: Meeting, *, actor: User | None) -> RoomState:
    """Open the room of a published meeting, on its first agenda item.

    :raises RoomError: naming the state, when the meeting is not published.
    """
    if meeting.status != MeetingStatus.PUBLISHED:
        raise RoomError(_l("The meeting cannot start while it is %(state)s.",
                           state=status_label(meeting.status)))
    room = room_of(meeting)
    if room is not None and room.ended_at is None:
        return room
    first = meeting.agenda[0].id if meeting.agenda else None
    if room is None:
        room = RoomState(meeting_id=meeting.id, started_at=utcnow(), current_item_id=first)
        db.session.add(room)
    else:  # resumed after an end
        room.ended_at, room.started_at = None, utcnow()
        _touch(room)
    room.started_by_id = getattr(actor, "id", None)
    audit.record("meeting.started", actor=actor, object_type="meeting", object_id=meeting.id)
    db.session.commit()
    return room


def end_meeting(meeting: Meeting, *, actor: User | None) -> RoomState:
    """Close the room; the meeting is finished and its record complete."""
    room = _live_room(meeting)
    now = utcnow()
    room.ended_at = now
    for request in _queue(meeting):
        if request.status == SpeakerStatus.SPEAKING:
            request.status, request.ended_at = SpeakerStatus.DONE, now
        else:
            request.status = SpeakerStatus.WITHDRAWN
    meeting.status = MeetingStatus.FINISHED
    _touch(room)
    audit.record("meeting.ended", actor=actor, object_type="meeting", object_id=meeting.id)
    db.session.commit()
    return room


def take_item(meeting: Meeting, item_id: int, *, actor: User | None) -> RoomState:
    """Make an agenda item the current one, for every screen.

    :raises RoomError: for an item of another meeting.
    """
    room = _live_room(meeting)
    if item_id not in {item.id for item in meeting.agenda}:
        raise RoomError(_l("That agenda item is not part of this meeting."))
    if room.current_item_id != item_id:
        room.current_item_id = item_id
        room.presenting_document_id = room.presenting_page = None
        _touch(room)
        audit.record("meeting.item_taken", actor=actor, object_type="meeting",
                     object_id=meeting.id, details={"item": item_id})
        db.session.commit()
    return room


def present(meeting: Meeting, document_id: int | None, page: int | None) -> RoomState:
    """The document and page the chair or secretary shows ("follow the chair")."""
    room = _live_room(meeting)
    page = max(1, int(page)) if page else None
    if (room.presenting_document_id, room.presenting_page) != (document_id, page):
        room.presenting_document_id, room.presenting_page = document_id, page
        _touch(room)
        db.session.commit()
    return room


def _queue(meeting: Meeting) -> list[SpeakerRequest]:
    return list(db.session.execute(
        select(SpeakerRequest).where(SpeakerRequest.meeting_id == meeting.id,
                                     SpeakerRequest.status.in_(OPEN_QUEUE))
        .order_by(SpeakerRequest.requested_at, SpeakerRequest.id)).scalars())


def ask_to_speak(meeting: Meeting, user: User) -> SpeakerRequest:
    """Join the queue on the current item; asking again keeps the first place."""
    room = _live_room(meeting)
    waiting = next((r for r in _queue(meeting) if r.user_id == user.id), None)
    if waiting is not None:
        return waiting
    request = SpeakerRequest(meeting_id=meeting.id, agenda_item_id=room.current_item_id,
                             user_id=user.id, status=SpeakerStatus.WAITING,
                             requested_at=utcnow())
    db.session.add(request)
    _touch(room)
    db.session.commit()
    return request


def withdraw(meeting: Meeting, user: User) -> None:
    room = _live_room(meeting)
    for request in _queue(meeting):
        if request.user_id == user.id and request.status == SpeakerStatus.WAITING:
            request.status = SpeakerStatus.WITHDRAWN
            _touch(room)
    db.session.commit()


def give_floor(meeting: Meeting, request_id: int, *, actor: User | None,
               limit_s: int | None = None) -> SpeakerRequest:
    """Give the floor to one request, with an optional time limit every screen counts down
    to; whoever spoke before is done."""
    room = _live_room(meeting)
    now = utcnow()
    chosen = None
    for request in _queue(meeting):
        if request.id == request_id:
            chosen = request
        elif request.status == SpeakerStatus.SPEAKING:
            request.status, request.ended_at = SpeakerStatus.DONE, now
    if chosen is None:
        raise RoomError(_l("That request to speak is no longer waiting."))
    chosen.status, chosen.started_at, chosen.limit_s = SpeakerStatus.SPEAKING, now, limit_s
    _touch(room)
    audit.record("speaker.floor", actor=actor, object_type="meeting", object_id=meeting.id,
                 details={"user": chosen.user_id, "item": chosen.agenda_item_id})
    db.session.commit()
    return chosen


def end_floor(meeting: Meeting, *, actor: User | None) -> None:
    room = _live_room(meeting)
    for request in _queue(meeting):
        if request.status == SpeakerStatus.SPEAKING:
            request.status, request.ended_at = SpeakerStatus.DONE, utcnow()
            _touch(room)
    db.session.commit()


def speakers(meeting: Meeting) -> list[Speaker]:
    """The queue in order: who speaks now, then who waits."""
    queue = _queue(meeting)
    names = {uid: user.full_name for uid, user in
             accounts.get_users({r.user_id for r in queue}).items()}
    return [Speaker(r.id, r.user_id, names.get(r.user_id, ""), r.status, r.started_at,
                    r.limit_s) for r in queue]


def speaking_history(meeting: Meeting) -> list[tuple[int, int | None, float]]:
    """(user id, item id, seconds spoken) for every finished turn, for the minutes."""
    rows = db.session.execute(
        select(SpeakerRequest).where(SpeakerRequest.meeting_id == meeting.id,
                                     SpeakerRequest.status == SpeakerStatus.DONE)
        .order_by(SpeakerRequest.started_at)).scalars()
    return [(r.user_id, r.agenda_item_id, (r.ended_at - r.started_at).total_seconds())
            for r in rows if r.started_at and r.ended_at]
