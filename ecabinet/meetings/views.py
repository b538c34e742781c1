"""Meeting pages: the home list, a meeting's page, preparing it and moving it along."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ecabinet.core.permissions import deny
from ecabinet.core.timeutil import LOCAL_ZONE, to_local, utcnow
from ecabinet.meetings import agenda, deadlines, service, states, workflow
from ecabinet.meetings import permissions as can
from ecabinet.meetings.agenda_views import item_form
from ecabinet.meetings.errors import MeetingError
from ecabinet.meetings.forms import AgendaItemForm, CommentForm, MeetingForm
from ecabinet.meetings.labels import participant_label, status_label
from ecabinet.meetings.loaders import load_meeting
from ecabinet.meetings.models import Confidentiality, MeetingKind
from ecabinet.meetings.panels import render_panels
from ecabinet.meetings.pickers import fill_agenda_choices, fill_meeting_choices
from ecabinet.meetings.service import Attendance, MeetingData
from ecabinet.notify import service as notify
from ecabinet.notify.events import push_live

bp = Blueprint("meetings", __name__)


@bp.app_context_processor
def _labels():
    return {"status_label": status_label, "participant_label": participant_label}


def _utc(local: datetime) -> datetime:
    """Read a time typed in the form as Vietnam time."""
    return local.replace(tzinfo=LOCAL_ZONE)


def _form_data(form: MeetingForm, body_id: int) -> tuple[MeetingData, Attendance]:
    data = MeetingData(
        body_id=body_id, title=form.title.data.strip(), kind=MeetingKind(form.kind.data),
        starts_at=_utc(form.starts_at.data), ends_at=_utc(form.ends_at.data),
        place=form.place.data or "", description=form.description.data or "",
        confidentiality=Confidentiality(form.confidentiality.data),
        allow_downloads=form.allow_downloads.data)
    attendance = Attendance(chair_id=form.chair_id.data,
                            secretary_id=form.secretary_id.data or None,
                            delegate_ids=tuple(form.delegate_ids.data),
                            guest_ids=tuple(form.guest_ids.data),
                            unit_ids=tuple(form.unit_ids.data))
    return data, attendance


@bp.get("/")
@login_required
def home():
    return render_template("meetings/home.html",
                           meetings=service.upcoming_meetings(current_user),
                           bodies=service.bodies_prepared_by(current_user))


@bp.get("/meetings/<int:meeting_id>")
@login_required
def detail(meeting_id: int):
    meeting = load_meeting(meeting_id)
    editable = can.can_edit_meeting(meeting, current_user) and states.is_editable(meeting)
    return render_template("meetings/detail.html", can=can, states=states, agenda=agenda,
                           meeting=meeting, my_role=can.participant_role(meeting, current_user),
                           panels=render_panels(meeting, current_user),
                           publish_warning=deadlines.publish_warning(meeting, utcnow())
                           if can.can_publish(meeting, current_user)
                           and states.step_possible(meeting, "publish") else None,
                           item_form=fill_agenda_choices(AgendaItemForm(), meeting),
                           edit_forms={item.id: item_form(item) for item in meeting.agenda}
                           if editable else {}, comment_form=CommentForm())


@bp.route("/meetings/new", methods=["GET", "POST"])
@login_required
def new():
    bodies = service.bodies_prepared_by(current_user)
    body_id = request.values.get("body", type=int) or (bodies[0].id if len(bodies) == 1 else None)
    if body_id is None or not can.can_create_meeting_for(body_id, current_user):
        deny("meetings.new", body=body_id)
    form = fill_meeting_choices(MeetingForm(), body_id)
    if form.validate_on_submit():
        try:
            meeting = service.create_meeting(*_form_data(form, body_id), actor=current_user)
        except MeetingError as error:
            flash(str(error.message), "error")
        else:
            flash(_("Meeting created. Now build its agenda."), "success")
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    return render_template("meetings/form.html", form=form, meeting=None, body_id=body_id)


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit(meeting_id: int):
    meeting = load_meeting(meeting_id, can.can_edit_meeting, what="meetings.edit")
    if not states.is_editable(meeting):
        flash(_("The meeting cannot be changed while it is %(state)s.",
                state=status_label(meeting.status)), "error")
        return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    form = fill_meeting_choices(MeetingForm(obj=meeting), meeting.body_id, meeting)
    if request.method == "GET":
        form.starts_at.data = to_local(meeting.starts_at).replace(tzinfo=None)
        form.ends_at.data = to_local(meeting.ends_at).replace(tzinfo=None)
        form.revision.data = meeting.revision
    if form.validate_on_submit():
        try:
            changed = service.update_meeting(meeting, *_form_data(form, meeting.body_id),
                                             actor=current_user,
                                             revision=int(form.revision.data or 0))
        except MeetingError as error:
            flash(str(error.message), "error")
        else:
            what = ", ".join(str(CHANGE_LABELS.get(name, name)) for name in changed)
            push_live(notify.announce_change(meeting, what, actor=current_user))
            flash(_("Meeting saved."), "success")
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    return render_template("meetings/form.html", form=form, meeting=meeting,
                           body_id=meeting.body_id)


CHANGE_LABELS = {
    "title": _l("title"), "kind": _l("kind of meeting"), "starts_at": _l("start time"),
    "ends_at": _l("end time"), "place": _l("place"), "description": _l("description"),
    "confidentiality": _l("confidentiality"), "allow_downloads": _l("downloads"),
    "attendance": _l("participants"),
}


def _step(meeting_id: int, step: str, allowed, perform, done):
    """One step of the workflow: authorise by role, then the workflow checks the state."""
    meeting = load_meeting(meeting_id, allowed, what=f"meetings.{step}")
    form = CommentForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        push_live(perform(meeting, form, current_user))
    except MeetingError as error:
        flash(str(error.message), "error")
    else:
        flash(str(done), "success")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))


@bp.post("/meetings/<int:meeting_id>/submit")
@login_required
def submit(meeting_id: int):
    return _step(meeting_id, "submit", can.can_submit,
                 lambda m, _f, who: workflow.submit(m, actor=who),
                 _l("Sent to the chair for approval."))


@bp.post("/meetings/<int:meeting_id>/approve")
@login_required
def approve(meeting_id: int):
    return _step(meeting_id, "approve", can.can_review,
                 lambda m, _f, who: workflow.approve(m, actor=who), _l("Agenda approved."))


@bp.post("/meetings/<int:meeting_id>/return")
@login_required
def return_to_draft(meeting_id: int):
    """Back to the secretariat with a comment; the chair stays on the meeting's page."""
    return _step(meeting_id, "return", can.can_review,
                 lambda m, f, who: workflow.return_to_draft(m, f.comment.data or "", actor=who),
                 _l("Agenda returned to the secretariat with your comment."))


@bp.post("/meetings/<int:meeting_id>/publish")
@login_required
def publish(meeting_id: int):
    return _step(meeting_id, "publish", can.can_publish,
                 lambda m, _f, who: workflow.publish(m, actor=who),
                 _l("Meeting published; participants are being notified."))


@bp.post("/meetings/<int:meeting_id>/postpone")
@login_required
def postpone(meeting_id: int):
    return _step(meeting_id, "postpone", can.can_postpone,
                 lambda m, _f, who: workflow.postpone(m, actor=who),
                 _l("Meeting postponed; participants are being told."))


@bp.post("/meetings/<int:meeting_id>/cancel")
@login_required
def cancel(meeting_id: int):
    return _step(meeting_id, "cancel", can.can_cancel,
                 lambda m, _f, who: workflow.cancel(m, actor=who), _l("Meeting cancelled."))
