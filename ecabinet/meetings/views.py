"""The signed-in home page (upcoming meetings) and a meeting's page."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from ecabinet.meetings import service
from ecabinet.meetings.labels import participant_label, status_label
from ecabinet.meetings.permissions import participant_role

bp = Blueprint("meetings", __name__)


@bp.app_context_processor
def _labels():
    return {"status_label": status_label, "participant_label": participant_label}


@bp.get("/")
@login_required
def home():
    return render_template("meetings/home.html",
                           meetings=service.upcoming_meetings(current_user))


@bp.get("/meetings/<int:meeting_id>")
@login_required
def detail(meeting_id: int):
    meeting = service.get_meeting_for(meeting_id, current_user)
    return render_template("meetings/detail.html", meeting=meeting,
                           my_role=participant_role(meeting, current_user))
