"""Answer an invitation, remind those who have not; the two panels of the meeting page."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from ecabinet.core.errors import EcabinetError
from ecabinet.invitations import service
from ecabinet.invitations.errors import InvalidDeputy, InvitationError, ReasonRequired
from ecabinet.invitations.events import push_answers
from ecabinet.invitations.forms import ANSWER_LABELS, SHORT_LABELS, answer_form
from ecabinet.invitations.models import Answer
from ecabinet.invitations.permissions import can_answer_invitation, can_follow_answers
from ecabinet.live import attendance
from ecabinet.live.room_events import broadcast as broadcast_room
from ecabinet.meetings.loaders import load_meeting
from ecabinet.meetings.panels import register_panel
from ecabinet.meetings.permissions import VISIBLE_TO_PARTICIPANTS, register_stand_in
from ecabinet.notify import service as notify
from ecabinet.notify.events import push_live

bp = Blueprint("invitations", __name__)
register_stand_in(service.stand_in_role)
notify.register_stand_ins(lambda meeting: list(service.deputies_of(meeting).values()))


def _back(meeting, anchor: str):
    return redirect(url_for("meetings.detail", meeting_id=meeting.id) + anchor)


@bp.post("/meetings/<int:meeting_id>/invitation")
@login_required
def answer(meeting_id: int):
    meeting = load_meeting(meeting_id, can_answer_invitation, what="invitations.answer")
    before = service.answer_of(meeting, current_user)
    form = answer_form(service.deputy_candidates(meeting, current_user))
    if form.validate_on_submit():
        data = service.AnswerData(Answer(form.answer.data), form.reason.data or "",
                                  form.deputy_id.data or None)
        old_deputy = before.deputy_id if before else None
        try:
            row = service.answer_invitation(meeting, current_user, data, actor=current_user)
        except (ReasonRequired, InvalidDeputy) as error:
            field = form.reason if isinstance(error, ReasonRequired) else form.deputy_id
            field.errors = [str(error.message)]
        except InvitationError as error:
            flash(str(error.message), "error")
            return _back(meeting, "#invitation")
        else:
            if row.deputy_id and row.deputy_id != old_deputy:
                push_live(service.tell_deputy(meeting, current_user,
                                              service.deputies_of(meeting)[current_user.id]))
            push_answers(meeting)
            flash(_("Your answer was recorded."), "success")
            return _back(meeting, "#invitation")
    return render_template("invitations/answer.html", meeting=meeting, form=form,
                           labels=ANSWER_LABELS), 422


@bp.post("/meetings/<int:meeting_id>/invitations/remind")
@login_required
def remind(meeting_id: int):
    meeting = load_meeting(meeting_id, can_follow_answers, what="invitations.remind")
    try:
        notes = service.remind_unanswered(meeting, actor=current_user)
    except InvitationError as error:
        flash(str(error.message), "error")
    else:
        push_live(notes)
        push_answers(meeting)
        flash(ngettext("Reminded %(num)d person.", "Reminded %(num)d people.", len(notes)),
              "success")
    return _back(meeting, "#invitations")


@bp.post("/meetings/<int:meeting_id>/invitations/<int:user_id>/represented")
@login_required
def represented(meeting_id: int, user_id: int):
    """Mark in the room's attendance that the person is represented by their deputy."""
    meeting = load_meeting(meeting_id, can_follow_answers, what="invitations.represented")
    try:
        person = service.invited_person(meeting, user_id)
        service.mark_represented(meeting, person, actor=current_user)
    except EcabinetError as error:
        flash(str(error.message), "error")
    else:
        broadcast_room(meeting)
        flash(_("Đồng chí %(name)s is marked as represented by their deputy.",
                name=person.full_name), "success")
    return _back(meeting, "#invitations")


@bp.app_context_processor
def _home_notes():
    def invitation_notes(meetings):
        """What the home page tells the user: invitations to answer, places they stand in."""
        if not current_user.is_authenticated:
            return {"pending": [], "standing_in": []}
        return {"pending": service.pending_for(current_user, list(meetings)),
                "standing_in": service.standing_in_for(current_user)}

    return {"invitation_notes": invitation_notes}


def invitation_panel(meeting, user) -> dict | None:
    """The invited person's answer form, or a deputy's note of whom they represent."""
    if meeting.status not in VISIBLE_TO_PARTICIPANTS:
        return None
    if can_answer_invitation(meeting, user):
        row = service.answer_of(meeting, user)
        return {"form": answer_form(service.deputy_candidates(meeting, user), row),
                "row": row, "open": service.answers_open(meeting), "labels": ANSWER_LABELS,
                "short": SHORT_LABELS,
                "deputy": service.deputies_of(meeting).get(user.id)}
    original = service.represented_by_deputy(meeting, user.id) if user.is_authenticated else None
    if original is None:
        return None
    person = next((p.user for p in meeting.participants if p.user_id == original), None)
    return {"standing_in_for": person} if person else None


def answers_panel(meeting, user) -> dict | None:
    """The secretariat's view of every answer, with the reminder."""
    if meeting.status not in VISIBLE_TO_PARTICIPANTS or not can_follow_answers(meeting, user):
        return None
    summary = service.summary(meeting)
    room_open = service.room_open(meeting)
    return {"summary": summary, "short": SHORT_LABELS, "Answer": Answer,
            "open": service.answers_open(meeting), "room_open": room_open,
            "represented": attendance.represented(meeting) if room_open else {}}


register_panel("invitation", "invitations/_answer_panel.html", invitation_panel, order=6)
register_panel("invitations", "invitations/_answers_panel.html", answers_panel, order=7)
