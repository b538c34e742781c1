"""Forms of the document pages; labels are lazy so each reader gets their own language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, FileField, MultipleFileField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ecabinet.core.forms import Form
from ecabinet.documents.conversion import accepted_types, conversion_available
from ecabinet.documents.service import TITLE_MAX


class UploadForm(Form):
    files = MultipleFileField(_l("Files (PDF, Word, Excel)"))
    agenda_item_id = SelectField(_l("Agenda item"), coerce=int, default=0,
                                 validators=[Optional()])
    for_units = BooleanField(_l("Also for the invited units"))


class ReplaceForm(Form):
    file = FileField(_l("New version"))
    note = StringField(_l("What changed"), validators=[Optional(), Length(max=2000)])


class TitleForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=TITLE_MAX)])


class ConfirmForm(Form):
    """A button that posts with its CSRF token and nothing else."""


def upload_form(meeting) -> UploadForm:
    """The upload form; it offers Word and Excel only where the server can convert them."""
    form = UploadForm(formdata=None)
    form.agenda_item_id.choices = [(0, _l("— no agenda item —"))] + [
        (item.id, f"{number}. {item.title}") for number, item in enumerate(meeting.agenda, 1)]
    form.files.render_kw = {"accept": accepted_types()}
    if not conversion_available():
        form.files.label.text = _l("Files (PDF)")
    return form
