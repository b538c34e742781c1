"""The meeting's votes as a PDF for the file and the minutes."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response
from flask_login import login_required

from ecabinet.live.permissions import can_enter_room
from ecabinet.meetings.loaders import load_meeting
from ecabinet.voting import service as voting

bp = Blueprint("polls", __name__)


@bp.get("/meetings/<int:meeting_id>/votes.pdf")
@login_required
def votes_pdf(meeting_id: int):
    """Every closed vote of the meeting: named lists, secret receipt codes, results."""
    from ecabinet.voting import export  # fpdf2 and fonts: ~20 MB no live room should carry

    meeting = load_meeting(meeting_id, can_enter_room, what="polls.votes_pdf")
    pdf = export.votes_pdf(meeting, voting.polls_of(meeting))
    name = f"ket-qua-bieu-quyet-{meeting.id}.pdf"
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f"attachment; filename={name}; filename*=UTF-8''{quote(name)}",
        "Cache-Control": "no-store"})
