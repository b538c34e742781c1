"""Who is behind a /live connection: loaded once at connect, re-checked by one query per event.

Flask-Login loads the user and their roles (two ORM queries) for every request, and a socket
event is a request: a thousand ballots meant two thousand user loads. The connection keeps
the user it signed in with in its WSGI environ (this socket's state, gone when it closes);
each event then asks the database one indexed question: is the sign-in session still open,
the account still active, and are the person's roles the same rows as when they were loaded
(role rows are replaced, never edited, so their count and newest id tell). If not, the user
is loaded again, or refused: a deactivated account is cut off at its next event, as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from flask import current_app, g, request
from sqlalchemy import bindparam, func, select

from ecabinet.accounts.models import RoleAssignment, User, UserSession
from ecabinet.extensions import db
from ecabinet.live.session_watch import SESSION_KEY

IDENTITY_KEY = "ecabinet.live.identity"


@dataclass(frozen=True)
class Identity:
    user: User
    """Detached from any database session, its roles loaded: read, never written."""
    roles: tuple[int, int | None]
    """(how many role rows, the newest row's id) when the user was loaded."""


def _roles_stamp(user: User) -> tuple[int, int | None]:
    ids = [role.id for role in user.roles]
    return len(ids), max(ids, default=None)


@cache
def _connect_statement():
    """The user behind a live sign-in session, with their roles (and the roles' units) in
    the same query: Flask-Login's loader takes two, the second a select-in of the roles."""
    from sqlalchemy.orm import joinedload

    return (select(User).join(UserSession, UserSession.user_id == User.id)
            .where(User.id == bindparam("user_id"), User.is_active.is_(True),
                   UserSession.token_hash == bindparam("digest"),
                   UserSession.ended_at.is_(None))
            .options(joinedload(User.roles)))


def load_at_connect() -> None:
    """Make `current_user` the user of this connection's cookie session, or nobody, as
    Flask-Login's loader would (accounts/auth.py: an open session of an active account),
    in one query; the socket then remembers it (`remember`)."""
    from flask import session

    from ecabinet.accounts.auth import SESSION_TOKEN_KEY
    from ecabinet.accounts.sessions import token_digest

    if "_login_user" in g:
        return
    manager = current_app.login_manager
    manager._session_protection_failed()  # "basic": marks a moved session as not fresh
    user_id, token = str(session.get("_user_id") or ""), session.get(SESSION_TOKEN_KEY)
    user = None
    if token and user_id.isdigit():
        user = db.session.execute(_connect_statement(), {
            "user_id": int(user_id), "digest": token_digest(token)}).unique().scalar()
    g._login_user = user if user is not None else manager.anonymous_user()


def remember(user: User) -> None:
    """Keep the user this connection signed in with (at connect, after Flask-Login loaded it)."""
    for role in user.roles:  # load what permission checks read, before the session closes
        _ = role.unit_id
    if user in db.session:
        db.session.expunge(user)
    request.environ[IDENTITY_KEY] = Identity(user, _roles_stamp(user))


@cache
def _check_statement():
    """Built once: composing a statement costs more than running it."""
    return (select(func.max(UserSession.id), func.count(RoleAssignment.id),
                   func.max(RoleAssignment.id))
            .select_from(UserSession)
            .join(User, User.id == UserSession.user_id)
            .outerjoin(RoleAssignment, RoleAssignment.user_id == User.id)
            .where(UserSession.token_hash == bindparam("digest"),
                   UserSession.ended_at.is_(None), User.id == bindparam("user_id"),
                   User.is_active.is_(True)))


def _check(identity: Identity, digest: str) -> tuple[int, int | None] | None:
    """The user's roles stamp while their session lives and the account is active, else None."""
    session_id, count, newest = db.session.connection().execute(
        _check_statement(), {"digest": digest, "user_id": identity.user.id}).one()
    return None if session_id is None else (count, newest)


def use_remembered() -> None:
    """Make `current_user` this connection's user for this event without loading it: the
    remembered one while its session lives and its roles are unchanged; when they changed,
    Flask-Login loads it again (and it is remembered anew); when the session ended, nobody."""
    identity = request.environ.get(IDENTITY_KEY)
    if identity is None or "_login_user" in g:
        return
    stamp = _check(identity, request.environ.get(SESSION_KEY) or "")
    if stamp is None:
        request.environ.pop(IDENTITY_KEY, None)
        g._login_user = current_app.login_manager.anonymous_user()
        return
    if stamp == identity.roles:
        g._login_user = identity.user
        return
    from flask_login import current_user

    if current_user.is_authenticated:  # loaded afresh by Flask-Login
        remember(current_user._get_current_object())


UNCHECKED_KEY = "ecabinet_unchecked_identity"


def assume_remembered() -> Identity | None:
    """Make `current_user` this connection's user with no query at all, for an event whose
    handler has its session checked where it writes (the ballot writer checks a whole batch
    of sessions in the transaction that stores their ballots). The handler must call
    `check_now` before it does anything else with the user."""
    identity = request.environ.get(IDENTITY_KEY)
    if identity is None or "_login_user" in g:
        return None
    g._login_user = identity.user
    g.setdefault(UNCHECKED_KEY, identity)
    return identity


def check_now() -> None:
    """Check the session of an event that `assume_remembered` let in (as `use_remembered`
    does for every other event); afterwards `current_user` is checked."""
    if g.pop(UNCHECKED_KEY, None) is not None:
        g.pop("_login_user", None)
        use_remembered()


def session_digest() -> str:
    """This connection's sign-in session, as stored (noted at connect)."""
    return request.environ.get(SESSION_KEY) or ""


def forget() -> None:
    """Drop the remembered user (their session ended): the next event finds nobody."""
    request.environ.pop(IDENTITY_KEY, None)
    g.pop(UNCHECKED_KEY, None)
    g._login_user = current_app.login_manager.anonymous_user()
