"""Agenda editing: add, change, remove, and reorder by drag and drop or by buttons."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ecabinet.core.permissions import deny
from ecabinet.meetings import agenda, service
from ecabinet.meetings.agenda import ItemData
from ecabinet.meetings.errors import MeetingError
from ecabinet.meetings.forms import AgendaItemForm, CommentForm
from ecabinet.meetings.permissions import can_edit_meeting
from ecabinet.meetings.pickers import fill_agenda_choices, parse_presenter
from ecabinet.notify import service as notify
from ecabinet.notify.events import push_live

bp = Blueprint("agenda", __name__)


def _back(meeting_id: int):
    return redirect(url_for("meetings.detail", meeting_id=meeting_id, _anchor="agenda"))


def _announce(meeting) -> None:
    """Once published, a changed agenda is news for everyone taking part."""
    if meeting.status.value in ("published", "postponed"):
        push_live(notify.meeting_changed(meeting, str(_l("agenda")), actor=current_user))


def _editable_item(item_id: int):
    item = agenda.get_item(item_id)
    if not can_edit_meeting(item.meeting, current_user):
        deny("agenda.item", item=item_id)
    return item


def _item_data(form: AgendaItemForm) -> ItemData:
    user_id, unit_id = parse_presenter(form.presenter.data)
    return ItemData(title=form.title.data.strip(), duration_minutes=form.duration_minutes.data,
                    presenter_user_id=user_id, presenter_unit_id=unit_id,
                    needs_vote=form.needs_vote.data)


@bp.post("/meetings/<int:meeting_id>/agenda")
@login_required
def add(meeting_id: int):
    meeting = service.get_meeting(meeting_id)
    if not can_edit_meeting(meeting, current_user):
        deny("agenda.add", meeting=meeting_id)
    form = fill_agenda_choices(AgendaItemForm(), meeting)
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return _back(meeting_id)
    try:
        agenda.add_item(meeting, _item_data(form), actor=current_user)
    except MeetingError as error:
        flash(str(error.message), "error")
    else:
        _announce(meeting)
    return _back(meeting_id)


@bp.post("/agenda/<int:item_id>")
@login_required
def update(item_id: int):
    item = _editable_item(item_id)
    form = fill_agenda_choices(AgendaItemForm(), item.meeting)
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return _back(item.meeting_id)
    try:
        agenda.update_item(item, _item_data(form), actor=current_user)
    except MeetingError as error:
        flash(str(error.message), "error")
    else:
        flash(_("Agenda item saved."), "success")
        _announce(item.meeting)
    return _back(item.meeting_id)


@bp.post("/agenda/<int:item_id>/remove")
@login_required
def remove(item_id: int):
    item = _editable_item(item_id)
    meeting_id = item.meeting_id
    if CommentForm().validate_on_submit():
        meeting = item.meeting
        agenda.remove_item(item, actor=current_user)
        flash(_("Agenda item removed."), "success")
        _announce(meeting)
    return _back(meeting_id)


@bp.post("/agenda/<int:item_id>/<any(up, down):direction>")
@login_required
def move(item_id: int, direction: str):
    item = _editable_item(item_id)
    if CommentForm().validate_on_submit():
        agenda.move(item, -1 if direction == "up" else 1, actor=current_user)
        _announce(item.meeting)
    return _back(item.meeting_id)


@bp.post("/meetings/<int:meeting_id>/agenda/order")
@login_required
def reorder(meeting_id: int):
    """Save a new order sent by the drag-and-drop script as JSON {"order": [ids]}."""
    meeting = service.get_meeting(meeting_id)
    if not can_edit_meeting(meeting, current_user):
        deny("agenda.reorder", meeting=meeting_id)
    order = (request.get_json(silent=True) or {}).get("order")
    if not isinstance(order, list) or not all(isinstance(i, int) for i in order):
        abort(400)
    try:
        agenda.reorder(meeting, order, actor=current_user)
    except MeetingError as error:
        return jsonify(error=error.code, message=str(error.message)), 409
    _announce(meeting)
    return jsonify(order=[item.id for item in meeting.agenda])
