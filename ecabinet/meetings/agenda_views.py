"""Agenda editing: add, change, remove, and reorder by drag and drop or by buttons."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ecabinet.meetings import agenda
from ecabinet.meetings.agenda import ItemData
from ecabinet.meetings.errors import MeetingError
from ecabinet.meetings.forms import AgendaItemForm, CommentForm
from ecabinet.meetings.loaders import load_agenda_item, load_meeting
from ecabinet.meetings.models import AgendaItem
from ecabinet.meetings.permissions import can_edit_meeting
from ecabinet.meetings.pickers import fill_agenda_choices, parse_presenter
from ecabinet.notify import service as notify
from ecabinet.notify.events import push_live

bp = Blueprint("agenda", __name__)


def _back(meeting_id: int):
    return redirect(url_for("meetings.detail", meeting_id=meeting_id, _anchor="agenda"))


def _announce(meeting, changed: bool = True) -> None:
    """Tell participants about a real change; `announce_change` knows whether it is news."""
    if changed:
        push_live(notify.announce_change(meeting, str(_l("agenda")), actor=current_user))


def item_form(item: AgendaItem) -> AgendaItemForm:
    """The edit form of one item, its fields prefixed so that every item has its own."""
    form = fill_agenda_choices(AgendaItemForm(prefix=f"item{item.id}"), item.meeting)
    if not form.is_submitted():
        form.title.data = item.title
        form.duration_minutes.data = item.duration_minutes
        form.needs_vote.data = item.needs_vote
        form.presenter.data = (f"u{item.presenter_user_id}" if item.presenter_user_id else
                               f"o{item.presenter_unit_id}" if item.presenter_unit_id else "")
    return form


def _editable(item_id: int, what: str) -> AgendaItem:
    return load_agenda_item(item_id, can_edit_meeting, what=what)


def _item_data(form: AgendaItemForm) -> ItemData:
    user_id, unit_id = parse_presenter(form.presenter.data)
    return ItemData(title=form.title.data.strip(), duration_minutes=form.duration_minutes.data,
                    presenter_user_id=user_id, presenter_unit_id=unit_id,
                    needs_vote=form.needs_vote.data)


def _form_errors(form) -> str:
    return " ".join(e for errors in form.errors.values() for e in errors)


@bp.post("/meetings/<int:meeting_id>/agenda")
@login_required
def add(meeting_id: int):
    meeting = load_meeting(meeting_id, can_edit_meeting, what="agenda.add")
    form = fill_agenda_choices(AgendaItemForm(), meeting)
    if not form.validate_on_submit():
        flash(_form_errors(form), "error")
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
    item = _editable(item_id, "agenda.update")
    form = item_form(item)
    if not form.validate_on_submit():
        flash(_form_errors(form), "error")
        return _back(item.meeting_id)
    try:
        changed = agenda.update_item(item, _item_data(form), actor=current_user)
    except MeetingError as error:
        flash(str(error.message), "error")
    else:
        flash(_("Agenda item saved.") if changed else _("Nothing was changed."), "success")
        _announce(item.meeting, bool(changed))
    return _back(item.meeting_id)


@bp.post("/agenda/<int:item_id>/remove")
@login_required
def remove(item_id: int):
    item = _editable(item_id, "agenda.remove")
    meeting = item.meeting
    if CommentForm().validate_on_submit():
        try:
            agenda.remove_item(item, actor=current_user)
        except MeetingError as error:
            flash(str(error.message), "error")
        else:
            flash(_("Agenda item removed."), "success")
            _announce(meeting)
    return _back(meeting.id)


@bp.post("/agenda/<int:item_id>/<any(up, down):direction>")
@login_required
def move(item_id: int, direction: str):
    item = _editable(item_id, "agenda.move")
    if CommentForm().validate_on_submit():
        try:
            moved = agenda.move(item, -1 if direction == "up" else 1, actor=current_user)
        except MeetingError as error:
            flash(str(error.message), "error")
        else:
            _announce(item.meeting, moved)
    return _back(item.meeting_id)


@bp.post("/meetings/<int:meeting_id>/agenda/order")
@login_required
def reorder(meeting_id: int):
    """Save a new order sent by the drag-and-drop script as JSON {"order": [ids]}."""
    meeting = load_meeting(meeting_id, can_edit_meeting, what="agenda.reorder")
    order = (request.get_json(silent=True) or {}).get("order")
    if not isinstance(order, list) or not all(isinstance(i, int) for i in order):
        abort(400)
    try:
        moved = agenda.reorder(meeting, order, actor=current_user)
    except MeetingError as error:
        return jsonify(error=error.code, message=str(error.message)), 409
    _announce(meeting, moved)
    return jsonify(order=[item.id for item in meeting.agenda])
