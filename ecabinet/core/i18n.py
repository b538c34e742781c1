"""Language and time for display: Vietnamese by default, English per user; Vietnam time."""

from __future__ import annotations

from flask import current_app, has_request_context, session
from flask_babel import format_date, format_datetime, get_locale
from flask_login import current_user

from ecabinet.core.timeutil import decree30_date, to_local


def select_locale() -> str:
    """The user's saved choice, else the session's (before sign-in), else Vietnamese."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # command line and background work: the configured default
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("locale")
    return chosen if chosen in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def init_app(app, babel) -> None:
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories="translations")
    app.jinja_env.filters["datetime"] = lambda value, fmt="short": (
        format_datetime(value, fmt) if value else "")
    app.jinja_env.filters["localtime"] = lambda value, fmt="%H:%M %d/%m/%Y": (
        to_local(value).strftime(fmt) if value else "")
    app.jinja_env.filters["decree30_date"] = decree30_date
    app.jinja_env.filters["longdate"] = long_date
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale() or "vi")


def long_date(value) -> str:
    """A date written out in the reader's language: "ngày 10 tháng 12 năm 2026" (as Decree 30
    writes it), "December 10, 2026" in English; the day in Vietnam time."""
    if not value:
        return ""
    if str(get_locale() or "vi") == "vi":
        return decree30_date(value)
    day = to_local(value).date() if hasattr(value, "hour") else value
    return format_date(day, "long")
