"""The room page: one page for every participant; the chair's and secretary's controls on it."""

from __future__ import annotations

from datetime import date, datetime, time

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ecabinet.accounts import service as accounts
from ecabinet.accounts.models import RoleKind
from ecabinet.core.permissions import deny
from ecabinet.core.timeutil import LOCAL_ZONE
from ecabinet.live.permissions import can_enter_room
from ecabinet.live.speaking import speaking_report
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


@bp.get("/speaking")
@login_required
def speaking():
    """Who spoke in a body's meetings, and who never did (the secretariat's report)."""
    bodies = accounts.bodies_administered_by(current_user)
    if not bodies:
        deny("live.speaking")
    body_id = request.args.get("body", bodies[0].id, type=int)
    body = next((b for b in bodies if b.id == body_id), None)
    if body is None:
        abort(404)
    since_text, error, since = request.args.get("since", "").strip(), None, None
    if since_text:
        try:
            since = datetime.combine(date.fromisoformat(since_text), time.min,
                                     tzinfo=LOCAL_ZONE)
        except ValueError:
            error = _("“%(value)s” is not a date; the report covers every meeting.",
                      value=since_text)
    return render_template("live/speaking.html", bodies=bodies, body=body,
                           report=speaking_report(body.id, since=since), since=since_text,
                           error=error)


def room_panel(meeting, user) -> dict | None:
    """A way into the room from the meeting page, for those who take part, once published."""
    if meeting.status not in VISIBLE_TO_PARTICIPANTS or not can_enter_room(meeting, user):
        return None
    return {"can_report": user.has_role(RoleKind.SECRETARIAT, meeting.body_id)}


register_panel("room", "live/_room_panel.html", room_panel, order=5)
