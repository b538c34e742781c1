"""A body's notice periods (its secretariat or an admin sets them) and the deadline panel."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from ecabinet.accounts import service as accounts
from ecabinet.core.forms import Form
from ecabinet.core.permissions import deny
from ecabinet.core.timeutil import utcnow
from ecabinet.meetings import deadlines
from ecabinet.meetings.panels import register_panel

bp = Blueprint("meeting_rules", __name__)

_RANGE = _l("Enter a whole number of days from 0 to %(max)d.", max=deadlines.MAX_NOTICE_DAYS)


def _days(label):
    return IntegerField(label, validators=[
        InputRequired(message=_RANGE),
        NumberRange(0, deadlines.MAX_NOTICE_DAYS, message=_RANGE)])


class BodyRulesForm(Form):
    regular_notice_working_days = _days(_l("Regular meetings: working days of notice"))
    thematic_notice_days = _days(_l("Thematic meetings: days of notice"))
    extraordinary_notice_days = _days(_l("Extraordinary meetings: days of notice"))



@bp.route("/meeting-rules", methods=["GET", "POST"])
@login_required
def rules():
    bodies = accounts.bodies_administered_by(current_user)
    if not bodies:
        deny("meeting_rules.rules")
    body_id = request.args.get("body", bodies[0].id, type=int)
    body = next((b for b in bodies if b.id == body_id), None)
    if body is None or not deadlines.can_edit_body_rules(body.id, current_user):
        abort(404)
    current = deadlines.rules_for(body.id)
    form = BodyRulesForm(obj=current)
    if request.method == "POST":
        if not form.validate_on_submit():
            return render_template("meetings/rules.html", form=form, body=body,
                                   bodies=bodies), 422
        try:
            deadlines.update_rules(body.id, deadlines.RulesData(
                form.regular_notice_working_days.data, form.thematic_notice_days.data,
                form.extraordinary_notice_days.data), actor=current_user)
        except deadlines.InvalidRules as error:
            flash(str(error.message), "error")
            return render_template("meetings/rules.html", form=form, body=body,
                                   bodies=bodies), 422
        flash(_("The notice periods of %(body)s were saved.", body=body.name), "success")
        return redirect(url_for("meeting_rules.rules", body=body.id))
    return render_template("meetings/rules.html", form=form, body=body, bodies=bodies)


def notice_deadline_context(meeting, user) -> dict | None:
    """The meeting page's deadline panel (templates/meetings/_notice_deadline.html):
    the body's secretariat only."""
    if not deadlines.can_see_notice_deadline(meeting, user):
        return None
    publications = deadlines.publications_of(meeting)
    return {"notice_deadline": deadlines.notice_deadline(meeting),
            "publication": publications[0] if publications else None,
            "late_now": deadlines.publication_is_late(meeting, utcnow())}


register_panel("notice-deadline", "meetings/_notice_deadline.html", notice_deadline_context,
               order=15)
