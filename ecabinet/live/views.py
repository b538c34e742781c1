"""The room page: one page for every participant; the chair's and secretary's controls on it."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

from ecabinet.live.permissions import can_enter_room
from ecabinet.meetings.loaders import load_meeting
from ecabinet.meetings.panels import register_panel
from ecabinet.meetings.permissions import VISIBLE_TO_PARTICIPANTS

bp = Blueprint("live", __name__)


@bp.get("/meetings/<int:meeting_id>/room")
@login_required
def room(meeting_id: int):
    meeting = load_meeting(meeting_id, can_enter_room, what="live.room")
    return render_template("live/room.html", meeting=meeting)


@bp.get("/meetings/<int:meeting_id>/display")
@login_required
def display(meeting_id: int):
    """The projector page: read-only, large type, for the screen at the front of the room."""
    meeting = load_meeting(meeting_id, can_enter_room, what="live.display")
    return render_template("live/display.html", meeting=meeting)


def room_panel(meeting, user) -> dict | None:
    """A way into the room from the meeting page, for those who take part, once published."""
    if meeting.status not in VISIBLE_TO_PARTICIPANTS or not can_enter_room(meeting, user):
        return None
    return {}


register_panel("room", "live/_room_panel.html", room_panel, order=5)
