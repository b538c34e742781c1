"""Forms of the accounts pages; labels are lazy so each reader gets their own language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ecabinet.accounts.labels import UNIT_KIND_LABELS
from ecabinet.core.forms import Form


def choices(pairs) -> list[SelectChoice]:
    """Build select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class LoginForm(Form):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)],
                           render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})


class ChangePasswordForm(Form):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(_l("New password"), validators=[DataRequired()],
                                 render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("new_password",
                                        message=_l("The two passwords differ."))],
                            render_kw={"autocomplete": "new-password"})


class LanguageForm(Form):
    language = SelectField(_l("Language"),
                           choices=choices([("vi", "Tiếng Việt"), ("en", "English")]))


class UserForm(Form):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)],
                           render_kw={"autocapitalize": "none"})
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Length(max=200)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30)])
    position = StringField(_l("Position"), validators=[Optional(), Length(max=120)])
    unit_id = SelectField(_l("Unit"), coerce=int, validate_choice=True)
    # Checkboxes rather than a multi-select: usable by touch, no Ctrl-click to learn.
    roles = SelectMultipleField(_l("Roles"), validate_choice=True,
                                widget=ListWidget(prefix_label=False),
                                option_widget=CheckboxInput())
    password = PasswordField(_l("Password"), validators=[Optional()],
                             render_kw={"autocomplete": "new-password"})


class UnitForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    short_name = StringField(_l("Short name"), validators=[Optional(), Length(max=80)])
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)])
    kind = SelectField(_l("Kind"),
                       choices=choices((k.value, label) for k, label in UNIT_KIND_LABELS.items()))
    parent_id = SelectField(_l("Parent unit"), coerce=int, validate_choice=True)
    is_body = BooleanField(_l("Is a body (holds meetings, issues documents)"))
    place_name = StringField(_l("Place name for dates"), validators=[Optional(), Length(max=80)])
    abbreviation = StringField(_l("Abbreviation in document numbers"),
                               validators=[Optional(), Length(max=20)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Length(max=200)])


class ConfirmForm(Form):
    """An empty form: its CSRF token is what protects a one-button action."""
