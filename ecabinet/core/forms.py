"""The base of every form: WTForms' own messages in the reader's language.

WTForms ships no Vietnamese catalogue, so its validators' messages ("This field is required.")
go through our catalogue instead, where they are translated like every other string.
"""

from __future__ import annotations

from flask_babel import get_translations
from flask_wtf import FlaskForm


class _CatalogueTranslations:
    """WTForms asks for raw strings and formats them itself; answer from our catalogue."""

    def gettext(self, string: str) -> str:
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ungettext(singular, plural, n)


class Form(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _CatalogueTranslations()
