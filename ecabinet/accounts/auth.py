"""Wire Flask-Login to our session records: a request is signed in only while its session lives."""

from __future__ import annotations

from flask import session
from flask_babel import lazy_gettext as _l

from ecabinet.accounts.permissions import is_admin
from ecabinet.accounts.sessions import user_for_session

SESSION_TOKEN_KEY = "sid"  # noqa: S105 - the name of a session key, not a secret


def _load_user(user_id: str):
    return user_for_session(user_id, session.get(SESSION_TOKEN_KEY))


def init_login(app, login_manager) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(_load_user)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    # We rotate the session at sign-in ourselves; "strong" would also drop it on a new address.
    login_manager.session_protection = "basic"
    app.jinja_env.globals["is_admin"] = is_admin
