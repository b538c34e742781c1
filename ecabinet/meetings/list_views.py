"""The meetings list of the bodies a user works with: tabs, filters, search, pages."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError
from wtforms.widgets import DateInput

from ecabinet.accounts import service as accounts
from ecabinet.accounts.models import RoleKind
from ecabinet.core.collation import sort_key
from ecabinet.core.forms import Form
from ecabinet.meetings import listing
from ecabinet.meetings.labels import STATUS_LABELS
from ecabinet.meetings.models import MeetingKind, MeetingStatus

bp = Blueprint("meeting_list", __name__)

TAB_LABELS = {"upcoming": _l("Upcoming"), "past": _l("Past"), "drafts": _l("In preparation"),
              "cancelled": _l("Cancelled"), "all": _l("All")}
KIND_LABELS = {MeetingKind.REGULAR: _l("Regular"), MeetingKind.THEMATIC: _l("Thematic"),
               MeetingKind.EXTRAORDINARY: _l("Extraordinary")}


def _iso_date(form, field) -> None:
    if not field.data:
        return
    try:
        field.parsed = date.fromisoformat(field.data)
    except ValueError:
        raise ValidationError(_l("Not a valid date: use the calendar or type "
                                 "year-month-day, e.g. 2026-03-05.")) from None


class MeetingFilterForm(Form):
    class Meta:
        csrf = False  # a GET search that changes nothing

    q = StringField(_l("Search title or place"), validators=[Optional(), Length(max=200)])
    body = SelectField(_l("Body"), validate_choice=False)
    kind = SelectField(_l("Kind of meeting"), validate_choice=False)
    state = SelectField(_l("State"), validate_choice=False)
    date_from = StringField(_l("From"), widget=DateInput(), validators=[Optional(), _iso_date])
    date_to = StringField(_l("To"), widget=DateInput(), validators=[Optional(), _iso_date])


def _choice(value: str, allowed: dict):
    return next((key for key in allowed if str(key) == value), None)


def _fill_choices(form: MeetingFilterForm) -> dict[int, object]:
    bodies = accounts.get_units(listing.bodies_listed_for(current_user))
    form.body.choices = [("", _l("All bodies"))] + [
        (str(unit.id), unit.name)
        for unit in sorted(bodies.values(), key=lambda unit: sort_key(unit.name))]
    form.kind.choices = [("", _l("All kinds"))] + [(k.value, v) for k, v in KIND_LABELS.items()]
    form.state.choices = [("", _l("All states"))] + [
        (s.value, label) for s, label in STATUS_LABELS.items()]
    return bodies


def _prepares_or_chairs(user) -> bool:
    return bool(user.unit_ids_for(RoleKind.SECRETARIAT) or user.unit_ids_for(RoleKind.CHAIR))


@bp.get("/meetings")
@login_required
def index():
    tab = request.args.get("tab", "upcoming")
    tab = tab if tab in listing.TABS else "upcoming"
    form = MeetingFilterForm(formdata=request.args)
    bodies = _fill_choices(form)
    valid = form.validate()
    wanted = listing.ListFilter(
        tab=tab, body_id=_choice(form.body.data or "", bodies),
        kind=_choice(form.kind.data or "", {k.value: k for k in MeetingKind})
        and MeetingKind(form.kind.data),
        status=_choice(form.state.data or "", {s.value: s for s in MeetingStatus})
        and MeetingStatus(form.state.data),
        date_from=getattr(form.date_from, "parsed", None) if valid else None,
        date_to=getattr(form.date_to, "parsed", None) if valid else None,
        search=(form.q.data or "")[:200], page=request.args.get("page", 1, type=int))
    tabs = [t for t in listing.TABS if t != "drafts" or _prepares_or_chairs(current_user)]
    return render_template("meetings/list.html", form=form, page=listing.list_meetings(
        current_user, wanted), tab=tab, tabs=tabs, tab_labels=TAB_LABELS,
        kind_labels=KIND_LABELS, args={k: v for k, v in request.args.items() if k != "page"})
