"""Send an opinion to the secretariat, mark one answered; the meeting page's opinions panel."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ecabinet.accounts import service as accounts
from ecabinet.annotations import opinions
from ecabinet.annotations.errors import OpinionError
from ecabinet.annotations.permissions import (
    can_answer_opinion,
    can_read_opinions,
    can_send_opinion,
)
from ecabinet.meetings.loaders import load_meeting
from ecabinet.meetings.panels import register_panel
from ecabinet.meetings.permissions import VISIBLE_TO_PARTICIPANTS

bp = Blueprint("opinions", __name__)


def _back(meeting):
    return redirect(url_for("meetings.detail", meeting_id=meeting.id) + "#opinions")


def _int_or_none(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _input() -> opinions.OpinionInput:
    source = request.get_json(silent=True) if request.is_json else request.form
    source = source if hasattr(source, "get") else {}
    text = source.get("text")
    return opinions.OpinionInput(
        text=text if isinstance(text, str) else "",
        agenda_item_id=_int_or_none(source.get("agenda_item_id")),
        document_id=_int_or_none(source.get("document_id")),
        page=_int_or_none(source.get("page")),
        quote=source.get("quote") if isinstance(source.get("quote"), str) else "")


@bp.post("/meetings/<int:meeting_id>/opinions")
@login_required
def send(meeting_id: int):
    """From the meeting page (a form) or from the viewer (JSON, on a place in a document)."""
    meeting = load_meeting(meeting_id, can_send_opinion, what="opinions.send")
    try:
        opinion = opinions.send_opinion(meeting, current_user, _input())
    except OpinionError as error:
        if request.is_json:
            return jsonify(error=error.code, message=str(error.message)), error.http_status
        flash(str(error.message), "error")
        return _back(meeting)
    if request.is_json:
        return jsonify(id=opinion.id, message=_("Your opinion was sent to the secretariat.")), 201
    flash(_("Your opinion was sent to the secretariat."), "success")
    return _back(meeting)


@bp.post("/meetings/<int:meeting_id>/opinions/<int:opinion_id>/answered")
@login_required
def answered(meeting_id: int, opinion_id: int):
    meeting = load_meeting(meeting_id, can_answer_opinion, what="opinions.answered")
    try:
        opinion = opinions.get_opinion(meeting, opinion_id)
        if opinions.mark_answered(opinion, actor=current_user):
            flash(_("The opinion is marked as answered."), "success")
    except OpinionError as error:
        flash(str(error.message), "error")
    return _back(meeting)


def opinions_panel(meeting, user) -> dict | None:
    """The secretariat: every opinion per item. A participant: the form and what they sent."""
    if meeting.status not in VISIBLE_TO_PARTICIPANTS or not user.is_authenticated:
        return None
    if can_read_opinions(meeting, user):
        groups = opinions.opinions_by_item(meeting)
        authors = accounts.get_users(o.author_id for g in groups for o in g.opinions)
        return {"groups": groups, "authors": authors, "secretariat": True}
    if can_send_opinion(meeting, user):
        return {"mine": opinions.opinions_of(meeting, user), "secretariat": False,
                "items": list(meeting.agenda)}
    return None


register_panel("opinions", "annotations/_opinions_panel.html", opinions_panel, order=30)
