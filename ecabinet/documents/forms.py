"""Forms of the document pages; labels are lazy so each reader gets their own language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, FileField, MultipleFileField, SelectField, StringField
from wtforms.validators import Length, Optional

ACCEPT = ".pdf,.doc,.docx,.xls,.xlsx,.odt,.ods,.rtf,application/pdf"


class UploadForm(FlaskForm):
    files = MultipleFileField(_l("Files (PDF, Word, Excel)"), render_kw={"accept": ACCEPT})
    agenda_item_id = SelectField(_l("Agenda item"), coerce=int, default=0,
                                 validators=[Optional()])
    for_units = BooleanField(_l("Also for the invited units"))


class ReplaceForm(FlaskForm):
    file = FileField(_l("New version"), render_kw={"accept": ACCEPT})
    note = StringField(_l("What changed"), validators=[Optional(), Length(max=2000)])


class ConfirmForm(FlaskForm):
    """A button that posts with its CSRF token and nothing else."""


def upload_form(meeting) -> UploadForm:
    form = UploadForm(formdata=None)
    form.agenda_item_id.choices = [(0, _l("— no agenda item —"))] + [
        (item.id, f"{number}. {item.title}") for number, item in enumerate(meeting.agenda, 1)]
    return form
