"""Socket events of the room: join (full state), check in, run the agenda, speakers."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_socketio import join_room

from ecabinet.accounts import service as accounts
from ecabinet.documents import service as documents
from ecabinet.extensions import socketio
from ecabinet.live import attendance
from ecabinet.live import room as live
from ecabinet.live.handlers import live_event
from ecabinet.live.loading import BadRequest, acting_user, load_meeting, require_int
from ecabinet.live.models import Presence
from ecabinet.live.permissions import can_enter_room, can_run_room
from ecabinet.live.state import personal_snapshot, room_snapshot, room_stamp
from ecabinet.voting import service as voting

NAMESPACE = "/live"


def room_name(meeting_id: int) -> str:
    return f"room:{meeting_id}"


def runners_name(meeting_id: int) -> str:
    """Those who run the room (chair, secretariat): what only the console shows."""
    return f"room:{meeting_id}:run"


def broadcast(meeting) -> None:
    """Everyone in the room gets the new state (after the service committed it)."""
    socketio.emit("room", room_snapshot(meeting), to=room_name(meeting.id), namespace=NAMESPACE)


@live_event("room_join")
def room_join(data):
    """Join the room and get its whole state: also what a reconnecting client sends first."""
    meeting, user = load_meeting(data, can_enter_room), acting_user()
    join_room(room_name(meeting.id))
    if can_run_room(meeting, user):
        join_room(runners_name(meeting.id))
    stamp = room_stamp(meeting, user.id)  # read after joining: no change is missed
    if stamp.poll_overdue and voting.close_overdue(meeting=meeting):  # its closer did not run
        broadcast(meeting)
        stamp = room_stamp(meeting, user.id)
    return personal_snapshot(meeting, user, stamp)


@live_event("check_in")
def check_in(data):
    meeting = load_meeting(data, can_enter_room)
    attendance.check_in(meeting, acting_user())
    broadcast(meeting)
    return personal_snapshot(meeting, acting_user())


@live_event("mark_attendance")
def mark_attendance(data):
    meeting = load_meeting(data, can_run_room)
    person = accounts.get_user(require_int(data, "user_id"))
    if data.get("presence") == "represented":
        deputy = accounts.get_user(require_int(data, "deputy_id"))
        attendance.mark_represented(meeting, person, deputy, by=current_user)
        broadcast(meeting)
        return {"ok": True}
    presence = Presence.PRESENT if data.get("presence") == "present" else Presence.ABSENT
    attendance.mark(meeting, person, presence, by=current_user,
                    reason=str(data.get("reason") or "")[:300])
    broadcast(meeting)
    return {"ok": True}


def _run(data, action):
    meeting = load_meeting(data, can_run_room)
    action(meeting)
    broadcast(meeting)
    return {"ok": True}


@live_event("start_meeting")
def start_meeting(data):
    return _run(data, lambda m: live.start_meeting(m, actor=current_user))


@live_event("end_meeting")
def end_meeting(data):
    return _run(data, lambda m: live.end_meeting(m, actor=current_user))


@live_event("take_item")
def take_item(data):
    item_id = require_int(data, "item_id")
    return _run(data, lambda m: live.take_item(m, item_id, actor=current_user))


@live_event("present")
def present(data):
    page = data.get("page") if isinstance(data.get("page"), int) else None
    document = data.get("document_id") if isinstance(data.get("document_id"), int) else None
    return _run(data, lambda m: live.present(m, _own_document(m, document), page))


def _own_document(meeting, document_id: int | None) -> int | None:
    """The presented document, which must be one of the meeting's (checked after access)."""
    if document_id is None:
        return None
    shown = documents.get_document(document_id)
    if shown.meeting_id != meeting.id or shown.removed_at is not None:
        raise BadRequest(_l("That document is not one of this meeting's."))
    return document_id


@live_event("give_floor")
def give_floor(data):
    request_id = require_int(data, "request_id")
    minutes = data.get("minutes")
    if minutes is not None and (not isinstance(minutes, int) or not 1 <= minutes <= 60):
        raise BadRequest(_l("A speaking time is a whole number of minutes from 1 to 60."))
    limit_s = minutes * 60 if minutes else None
    return _run(data, lambda m: live.give_floor(m, request_id, actor=current_user,
                                                limit_s=limit_s))


@live_event("end_floor")
def end_floor(data):
    return _run(data, lambda m: live.end_floor(m, actor=current_user))


@live_event("ask_to_speak")
def ask_to_speak(data):
    meeting = load_meeting(data, can_enter_room)
    live.ask_to_speak(meeting, current_user)
    broadcast(meeting)
    return {"ok": True}


@live_event("withdraw_request")
def withdraw_request(data):
    meeting = load_meeting(data, can_enter_room)
    live.withdraw(meeting, current_user)
    broadcast(meeting)
    return {"ok": True}
