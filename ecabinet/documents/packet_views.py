"""The meeting packet: ask for it (queued for the worker, or joined), poll it, download it.

Each view loads the meeting and authorises it once (``can_download_packet``), calls the packet
service and responds. Nothing here builds a PDF: that happens in the worker.
"""

from __future__ import annotations

import io

from flask import Blueprint, jsonify, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from ecabinet.documents import packets
from ecabinet.documents.loaders import load_documents_meeting
from ecabinet.documents.permissions import can_download_packet
from ecabinet.meetings.permissions import can_view_meeting

bp = Blueprint("packets", __name__)


@bp.after_request
def _no_store(response):
    """A packet carries the reader's name on every page: no cache may keep any of it."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _load(meeting_id: int):
    return load_documents_meeting(meeting_id, can_download_packet, what="documents.packet")


def _status(meeting, build) -> dict:
    status = packets.status_of(build)
    status["status_url"] = url_for("packets.status", meeting_id=meeting.id)
    if status["state"] == "ready":
        status["download_url"] = url_for("packets.download", meeting_id=meeting.id)
    return status


def _back_url(meeting) -> str:
    """Participants go back to the meeting; invited units' clerks to the documents list."""
    if can_view_meeting(meeting, current_user):
        return url_for("meetings.detail", meeting_id=meeting.id, _anchor="documents")
    return url_for("documents.index", meeting_id=meeting.id)


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json"


@bp.get("/meetings/<int:meeting_id>/packet")
@login_required
def download(meeting_id: int):
    """The packet when it is ready; otherwise its build is queued (or joined) and shown."""
    meeting = _load(meeting_id)
    build = packets.request_packet(meeting, current_user)
    if _wants_json():
        return jsonify(_status(meeting, build)), 200 if build.state.value == "ready" else 202
    packet = packets.packet_file(build, meeting, current_user)
    if packet is None:
        return render_template("documents/packet.html", meeting=meeting,
                               status=_status(meeting, build), back_url=_back_url(meeting)), 202
    response = send_file(io.BytesIO(packet.data), mimetype="application/pdf", conditional=True,
                         etag=build.cache_key[:40], max_age=None)
    response.headers["Content-Disposition"] = packet.content_disposition
    return response


@bp.get("/meetings/<int:meeting_id>/packet/status")
@login_required
def status(meeting_id: int):
    """What the page polls while the packet is prepared; builds nothing."""
    meeting = _load(meeting_id)
    return jsonify(_status(meeting, packets.find_build(meeting, current_user)))
