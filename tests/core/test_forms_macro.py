"""The form-field macro: screen readers read any aria-invalid value but "false" as invalid."""

from wtforms import BooleanField, Form, StringField
from wtforms.validators import DataRequired


class _Sample(Form):
    name = StringField("Name", validators=[DataRequired("Required.")])
    agree = BooleanField("Agree")


def _render(app, form) -> str:
    template = app.jinja_env.from_string(
        '{% import "_forms.html" as forms %}'
        "{{ forms.field(form.name) }}{{ forms.field(form.agree) }}")
    with app.test_request_context():
        return template.render(form=form)


def test_field_without_errors_has_no_aria_invalid(app):
    html = _render(app, _Sample())
    assert "aria-invalid" not in html
    assert "aria-describedby" not in html
    assert '"None"' not in html


def test_field_with_errors_is_marked_invalid_and_described(app):
    form = _Sample()
    form.validate()
    html = _render(app, form)
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="name-err"' in html
    assert 'id="name-err"' in html
    assert '"None"' not in html
