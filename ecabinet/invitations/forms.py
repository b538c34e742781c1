"""The answer form; the deputy's choices are filled per person by the views."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length

from ecabinet.accounts.forms import choices
from ecabinet.core.forms import Form
from ecabinet.invitations.models import Answer

ANSWER_LABELS = {
    Answer.ATTEND: _l("I will attend"),
    Answer.DECLINE: _l("I will not attend"),
    Answer.DEPUTY: _l("I send a deputy (cử người dự thay)"),
}
SHORT_LABELS = {
    Answer.ATTEND: _l("Attending"),
    Answer.DECLINE: _l("Not attending"),
    Answer.DEPUTY: _l("Sends a deputy"),
    None: _l("No answer yet"),
}


class AnswerForm(Form):
    answer = RadioField(_l("Your answer"), validators=[InputRequired()],
                        choices=choices((a.value, label) for a, label in ANSWER_LABELS.items()))
    reason = TextAreaField(_l("Reason (required when you will not attend)"),
                           validators=[Length(max=500)])
    deputy_id = SelectField(_l("Deputy (a person of your unit)"), coerce=int,
                            validate_choice=False, default=0)


def answer_form(candidates, row=None, **kwargs) -> AnswerForm:
    form = AnswerForm(**kwargs)
    form.deputy_id.choices = choices([(0, "—")] + [
        (u.id, f"{u.full_name}{' — ' + u.position if u.position else ''}") for u in candidates])
    if row is not None and not form.is_submitted():
        form.answer.data = row.answer.value if row.answer else None
        form.reason.data = row.reason
        form.deputy_id.data = row.deputy_id or 0
    return form
