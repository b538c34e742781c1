"""Forms of the meeting pages; choices are filled per body by the views."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from ecabinet.accounts.forms import choices
from ecabinet.core.forms import Form
from ecabinet.core.timeutil import LOCAL_ZONE, utcnow
from ecabinet.meetings.deadlines import starts_in_the_past


def _checklist(label):
    return SelectMultipleField(label, coerce=int, validate_choice=True,
                               widget=ListWidget(prefix_label=False),
                               option_widget=CheckboxInput())


class MeetingForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    kind = SelectField(_l("Kind of meeting"), choices=choices([
        ("regular", _l("Regular")), ("thematic", _l("Thematic")),
        ("extraordinary", _l("Extraordinary"))]))
    starts_at = DateTimeLocalField(_l("Starts"), validators=[InputRequired()],
                                   format="%Y-%m-%dT%H:%M")
    ends_at = DateTimeLocalField(_l("Planned end"), validators=[InputRequired()],
                                 format="%Y-%m-%dT%H:%M")
    place = StringField(_l("Place (room or online link)"), validators=[Optional(),
                                                                        Length(max=300)])
    description = TextAreaField(_l("Short description"), validators=[Optional(),
                                                                     Length(max=5000)])
    confidentiality = SelectField(_l("Confidentiality"), choices=choices([
        ("normal", _l("Normal")), ("confidential", _l("Confidential"))]))
    allow_downloads = BooleanField(_l("Allow downloads of a confidential meeting's documents"))
    chair_id = SelectField(_l("Chair"), coerce=int, validate_choice=True)
    secretary_id = SelectField(_l("Secretary"), coerce=int, validate_choice=True)
    delegate_ids = _checklist(_l("Delegates (members, may vote)"))
    guest_ids = _checklist(_l("Guests (may read and speak, may not vote)"))
    unit_ids = _checklist(_l("Invited units"))
    revision = HiddenField()
    confirm_past_start = BooleanField(_l("I confirm that the meeting took place at this time"))

    def validate_confirm_past_start(self, field) -> None:
        """A new meeting (no revision yet) that starts in the past is confirmed, never
        silently accepted: it would vanish from the upcoming list."""
        if self.revision.data or self.starts_at.data is None:
            return
        start = self.starts_at.data.replace(tzinfo=LOCAL_ZONE)
        if starts_in_the_past(start, utcnow()) and not field.data:
            raise ValidationError(_l("This meeting starts in the past. Check the date, or "
                                     "confirm below that it took place then."))


class AgendaItemForm(Form):
    title = StringField(_l("Agenda item"), validators=[DataRequired(), Length(max=500)])
    duration_minutes = IntegerField(_l("Minutes"), default=15,
                                    validators=[InputRequired(), NumberRange(1, 600)])
    presenter = SelectField(_l("Presenter"), validate_choice=True)
    needs_vote = BooleanField(_l("Needs a vote"))


class CommentForm(Form):
    comment = TextAreaField(_l("What should be changed"), validators=[Optional(),
                                                                       Length(max=2000)])
